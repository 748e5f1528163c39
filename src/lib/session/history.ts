/**
 * History as a scenario (spec §4.2): a learner's whole history travels as a scenario document, the
 * loaded scenario's steps that are still whole, then every later timeline entry as a step, with
 * runs of single context steps merged into `{op: "step", ctx, n}` (the timeline expands them
 * again), so (scenario, at) restores the exact step. The worker's host builds these documents for
 * `share`; the page's URL codec (src/lib/ui/url-state.ts) carries them. Pure TS, no DOM.
 */
import { DEFAULT_CONFIG, type RingConfig, type Step } from '../ring';
import type { Scenario } from './scenario';
import { Timeline, type TimelineOptions } from './timeline';

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

/**
 * Builds the timeline a decoded URL describes and moves to `at` (the end when not given).
 * Refuses, in plain words, an `at` past the end of the timeline.
 */
export function restoreShared(
	view: { scenario: Scenario; at: number | null },
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
