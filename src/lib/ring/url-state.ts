/**
 * The page's URL (spec §4): `?scenario=<base64url of the scenario JSON>&at=N&embed=1&present=1`.
 * A learner's whole history travels as a scenario: the loaded scenario's steps that are still
 * whole, then every later timeline entry as a step, with runs of single context steps merged
 * into `{op: "step", ctx, n}` (the timeline expands them again), so (scenario, at) restores the
 * exact step. `at` is a timeline position. Parsing never throws: it says what is wrong.
 */
import { DEFAULT_CONFIG, type RingConfig } from './config';
import { FormatError } from './errors';
import { MAX_SCENARIO_BYTES, scenarioSizeReason } from './input-bounds';
import { parseScenario, type Scenario } from './scenario';
import type { Step } from './steps';
import { Timeline, type TimelineOptions } from './timeline';

/** What the URL carries. `at` null: no position given (show the end). */
export interface SharedView {
	scenario: Scenario;
	at: number | null;
	embed: boolean;
	present: boolean;
}

export type DecodeResult =
	({ ok: true } & SharedView) | { ok: false; message: string; embed: boolean; present: boolean };

// ---- base64url over UTF-8, without DOM or Node APIs --------------------------------------------

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, i]));

function utf8(s: string): number[] {
	const out: number[] = [];
	for (const ch of s) {
		const c = ch.codePointAt(0)!;
		if (c < 0x80) out.push(c);
		else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
		else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
		else
			out.push(
				0xf0 | (c >> 18),
				0x80 | ((c >> 12) & 63),
				0x80 | ((c >> 6) & 63),
				0x80 | (c & 63)
			);
	}
	return out;
}

/** Decodes UTF-8; null when the bytes are not valid UTF-8. */
function fromUtf8(b: number[]): string | null {
	let s = '';
	for (let i = 0; i < b.length;) {
		const x = b[i]!;
		const n = x < 0x80 ? 0 : x >> 5 === 6 ? 1 : x >> 4 === 14 ? 2 : x >> 3 === 30 ? 3 : -1;
		if (n < 0 || i + n > b.length - 1) return null;
		let c = n === 0 ? x : x & (0x3f >> n);
		for (let k = 1; k <= n; k++) {
			const y = b[i + k];
			if (y === undefined || y >> 6 !== 2) return null;
			c = (c << 6) | (y & 63);
		}
		if (c > 0x10ffff) return null;
		s += String.fromCodePoint(c);
		i += n + 1;
	}
	return s;
}

export function base64urlEncode(text: string): string {
	const b = utf8(text);
	let out = '';
	for (let i = 0; i < b.length; i += 3) {
		const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
		out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
		if (i + 1 < b.length) out += ALPHABET[(n >> 6) & 63]!;
		if (i + 2 < b.length) out += ALPHABET[n & 63]!;
	}
	return out;
}

/** Decodes base64url (padding optional; '+' and '/' accepted too); null when it is not. */
export function base64urlDecode(code: string): string | null {
	const s = code.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
	if (s.length % 4 === 1) return null;
	const b: number[] = [];
	for (let i = 0; i < s.length; i += 4) {
		let n = 0;
		const len = Math.min(4, s.length - i);
		for (let k = 0; k < 4; k++) {
			const v = k < len ? INDEX.get(s[i + k]!) : 0;
			if (v === undefined) return null;
			n = (n << 6) | v;
		}
		b.push((n >> 16) & 255);
		if (len > 2) b.push((n >> 8) & 255);
		if (len > 3) b.push(n & 255);
	}
	return fromUtf8(b);
}

// ---- scenario documents ---------------------------------------------------------------------

/** The config fields that differ from the defaults (a shorter URL; parsing fills the rest). */
export function compactConfig(config: RingConfig): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const d = DEFAULT_CONFIG as unknown as Record<string, unknown>;
	for (const [k, v] of Object.entries(config))
		if (JSON.stringify(v) !== JSON.stringify(d[k])) out[k] = v;
	return out;
}

function isSingleStep(a: Step): a is Step & { op: 'step'; ctx: string } {
	return a.op === 'step' && (a as { n?: number }).n === undefined;
}

/**
 * Actions as scenario steps, with each run of successful single steps of one context merged into
 * `{op: "step", ctx, n}`. A refused single step is kept alone: the timeline stops expanding a
 * merged run at a refusal, so merging across one would lose entries.
 */
export function mergeStepRuns(
	entries: readonly { action: Step; result: { ok: boolean } }[]
): Step[] {
	const out: Step[] = [];
	for (let i = 0; i < entries.length;) {
		const a = entries[i]!.action;
		if (!isSingleStep(a) || !entries[i]!.result.ok) {
			out.push(a);
			i++;
			continue;
		}
		let n = 1;
		while (i + n < entries.length) {
			const b = entries[i + n]!;
			if (!isSingleStep(b.action) || b.action.ctx !== a.ctx || !b.result.ok) break;
			n++;
		}
		out.push(n > 1 ? { op: 'step', ctx: a.ctx, n } : a);
		i += n;
	}
	return out;
}

/**
 * A scenario document that replays `tl` exactly: the base scenario's steps whose entries are all
 * still in the timeline (`starts` from `Timeline.fromScenario`; `[0]` for an empty base), then
 * every later entry, merged, with the timeline's config. The base's title, description and (when no step of it was replaced)
 * its lesson are kept.
 */
export function historyScenario(
	base: Scenario,
	starts: readonly number[],
	tl: Timeline
): Record<string, unknown> {
	let kept = 0;
	while (kept < base.steps.length) {
		const end = starts[kept + 1];
		if (end === undefined || end > tl.length) break;
		if (end > starts[kept]! && tl.entry(end - 1)!.source !== kept) break;
		kept++;
	}
	const rest: { action: Step; result: { ok: boolean } }[] = [];
	for (let i = starts[kept] ?? tl.length; i < tl.length; i++) rest.push(tl.entry(i)!);
	const doc: Record<string, unknown> = { ringlab: 1 };
	if (base.title !== undefined) doc.title = base.title;
	if (base.description !== undefined) doc.description = base.description;
	doc.config = compactConfig(tl.config);
	doc.steps = [...base.steps.slice(0, kept), ...mergeStepRuns(rest)];
	if (base.lesson && kept === base.steps.length) doc.lesson = base.lesson;
	return doc;
}

// ---- the query string ---------------------------------------------------------------------------

/** `?scenario=...&at=N&embed=1&present=1` for a scenario document (parsed or not). */
export function encodeShareQuery(view: {
	scenario: Scenario | Record<string, unknown>;
	at?: number | null;
	embed?: boolean;
	present?: boolean;
}): string {
	const doc = { ...(view.scenario as Record<string, unknown>) };
	if ('config' in doc && isConfig(doc.config))
		doc.config = compactConfig(doc.config as RingConfig);
	let q = `?scenario=${base64urlEncode(JSON.stringify(doc))}`;
	if (view.at !== undefined && view.at !== null) q += `&at=${view.at}`;
	if (view.embed) q += '&embed=1';
	if (view.present) q += '&present=1';
	return q;
}

function isConfig(v: unknown): boolean {
	return typeof v === 'object' && v !== null && 'kernel' in v && 'clock' in v;
}

function flag(params: Map<string, string>, name: string): boolean {
	const v = params.get(name);
	return v !== undefined && v !== '0' && v !== 'false';
}

function parseQuery(search: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const part of search.replace(/^\?/, '').split('&')) {
		if (!part) continue;
		const eq = part.indexOf('=');
		const k = eq < 0 ? part : part.slice(0, eq);
		const v = eq < 0 ? '' : part.slice(eq + 1);
		try {
			out.set(decodeURIComponent(k), decodeURIComponent(v.replace(/\+/g, '%20')));
		} catch {
			out.set(k, v);
		}
	}
	return out;
}

/**
 * Parses a query string (with or without '?'). Without `scenario` it is ok only when nothing else
 * asks for one; errors say what is wrong: bad base64, bad JSON, the scenario's FormatError with
 * its JSON path, a malformed `at`. Never throws.
 */
export function decodeShareQuery(search: string): DecodeResult | null {
	const params = parseQuery(search);
	const embed = flag(params, 'embed');
	const present = flag(params, 'present');
	const fail = (message: string): DecodeResult => ({ ok: false, message, embed, present });
	const code = params.get('scenario');
	if (code === undefined)
		return params.has('at') ? fail('"at" is given without a scenario') : null;
	// Refused by length before it is decoded: base64url carries 3 bytes in 4 characters.
	if (Math.floor((code.trim().length * 3) / 4) > MAX_SCENARIO_BYTES)
		return fail(`the scenario is malformed at $: ${scenarioSizeReason()}`);
	const text = base64urlDecode(code.trim());
	if (text === null)
		return fail('the scenario parameter is not valid base64url (letters, digits, - and _)');
	let doc: unknown;
	try {
		doc = JSON.parse(text);
	} catch (e) {
		return fail(`the scenario is not valid JSON (${(e as Error).message})`);
	}
	let scenario: Scenario;
	try {
		scenario = parseScenario(doc);
	} catch (e) {
		if (e instanceof FormatError) return fail(`the scenario is malformed at ${e.message}`);
		return fail(`the scenario could not be read (${(e as Error).message})`);
	}
	let at: number | null = null;
	const rawAt = params.get('at');
	if (rawAt !== undefined) {
		if (!/^\d+$/.test(rawAt) || !Number.isSafeInteger(Number(rawAt)))
			return fail(`"at" must be a step number (0 or more), not "${rawAt}"`);
		at = Number(rawAt);
	}
	return { ok: true, scenario, at, embed, present };
}

/**
 * Builds the timeline a decoded URL describes and moves to `at` (the end when not given).
 * Refuses, in plain words, an `at` past the end of the timeline.
 */
export function restoreShared(
	view: SharedView,
	opts: TimelineOptions = {}
):
	| { ok: true; timeline: Timeline & { starts: number[]; stopped: string | null } }
	| { ok: false; message: string } {
	const tl = Timeline.fromScenario(view.scenario, opts);
	const at = view.at ?? tl.length;
	if (at > tl.length)
		return {
			ok: false,
			message: `"at" is ${at} but the scenario has only ${tl.length} steps (0..${tl.length})`
		};
	tl.seek(at);
	return { ok: true, timeline: tl };
}
