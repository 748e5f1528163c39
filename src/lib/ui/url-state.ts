/**
 * The page's URL (spec §4.2): `?scenario=<base64url of the scenario JSON>&at=N&embed=1&present=1`,
 * or `?lesson=NAME&at=N`, with `panels=LIST` for an embedded lab. The page reads its query once,
 * with `parsePageQuery`. The scenario it carries is the history (src/lib/session/history.ts);
 * `at` is a timeline position. Parsing never throws: it says what is wrong.
 */
import { FormatError, type RingConfig } from '$lib/ring';
import { compactConfig, parseScenario, type Scenario } from '$lib/session';
import { MAX_SCENARIO_BYTES, scenarioSizeReason } from '$lib/ring/input-bounds';

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
	return decodeParams(parseQuery(search));
}

function decodeParams(params: Map<string, string>): DecodeResult | null {
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
		if (!/^\d+$/.test(rawAt) || !Number.isSafeInteger(Number(rawAt))) return fail(badAt(rawAt));
		at = Number(rawAt);
	}
	return { ok: true, scenario, at, embed, present };
}

function badAt(raw: string): string {
	return `"at" must be a step number (0 or more), not "${raw}"`;
}

/** Everything the page's URL asks for (spec §4.2), from one parse of its query. */
export interface PageQuery {
	/** `lesson=NAME` (it wins over `scenario`); null when the URL names no lesson. */
	lesson: string | null;
	/** The lesson's `at` when it is a step number, else 0. */
	lessonAt: number;
	/** The scenario the URL carries (decodeShareQuery); null when it carries none or names a lesson. */
	link: DecodeResult | null;
	/** What is wrong with the URL, in the words of spec §4.2; '' when nothing is. */
	error: string;
	embed: boolean;
	present: boolean;
	/** `panels=LIST` as given (src/lib/ui/panels.ts reads it); null when absent. */
	panels: string | null;
}

/**
 * Parses the page's query string once. Without a scenario, `embed` and `present` are on for any
 * value but `0`; with one, `false` also leaves them off (spec §4.2).
 */
export function parsePageQuery(search: string): PageQuery {
	const params = parseQuery(search);
	const lesson = params.get('lesson') ?? null;
	const link = lesson === null ? decodeParams(params) : null;
	const at = params.get('at') ?? null;
	const atOk = at === null || /^\d+$/.test(at);
	const on = (name: string) => params.has(name) && params.get(name) !== '0';
	return {
		lesson,
		lessonAt: at !== null && atOk ? Number(at) : 0,
		link,
		error:
			link && !link.ok
				? link.message
				: lesson !== null && at !== null && !atOk
					? badAt(at)
					: '',
		embed: link?.embed ?? on('embed'),
		present: link?.present ?? on('present'),
		panels: params.get('panels') ?? null
	};
}
