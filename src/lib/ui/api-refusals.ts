// Why a `window.ringlab` call cannot do what it was asked, in plain words (docs/spec.md §4 lists
// every message). Each check takes what the page shows now and returns null when the call can go.
import type { TimelineView } from '$lib/worker/protocol';

/** What a call's check looks at: where the timeline is, and what holds Step back. */
export interface ApiSituation {
	timeline: TimelineView;
	/** Why Step waits (a lesson's question not answered yet), or null. */
	hold: string | null;
	/** Writer threads are writing behind the engine's back: nothing can be replayed. */
	threadsRunning: boolean;
}

/** How a call's argument is quoted in a message: `seek("x")`, `step()`. */
export function callText(fn: string, arg?: unknown): string {
	if (arg === undefined) return `${fn}()`;
	let shown: string | undefined;
	try {
		shown = typeof arg === 'number' ? String(arg) : JSON.stringify(arg);
	} catch {
		shown = undefined;
	}
	shown ??= `<${typeof arg}>`;
	return `${fn}(${shown})`;
}

const THREADS =
	'writer threads are running and cannot be replayed: stop the continuous writer first';

/** seek(n): n must be a whole position of the timeline. */
export function seekRefusal(n: unknown, s: ApiSituation): string | null {
	const { length } = s.timeline;
	if (typeof n !== 'number' || !Number.isInteger(n))
		return `the position must be a whole number from 0 to ${length}, not ${typeof n === 'number' ? String(n) : `a ${typeof n}`}`;
	if (n < 0 || n > length) return `position ${n} is outside the timeline (0..${length})`;
	if (s.threadsRunning) return THREADS;
	return null;
}

/** back(): there must be a step before this one. */
export function backRefusal(s: ApiSituation): string | null {
	if (s.threadsRunning) return THREADS;
	if (s.timeline.position === 0) return 'already at step 0, the start of the timeline';
	return null;
}

/**
 * step(ctx?): without ctx, a kept future or a context that can run; with ctx, a context of that
 * name in flight. Never at a lesson's unanswered question.
 */
export function stepRefusal(ctx: unknown, s: ApiSituation): string | null {
	const t = s.timeline;
	if (ctx !== undefined && (typeof ctx !== 'string' || ctx === ''))
		return `the context must be the name of a context in flight (a string such as "task1"), not ${typeof ctx === 'string' ? 'an empty string' : `a ${typeof ctx}`}`;
	if (s.threadsRunning) return THREADS;
	if (s.hold)
		return `the lesson asks a question at step ${t.position}: answer it on the page, or seek() past it (${s.hold})`;
	const names = t.contexts.map((c) => c.name);
	const inFlight = names.length ? names.join(', ') : 'none';
	if (typeof ctx === 'string') {
		const c = t.contexts.find((x) => x.name === ctx);
		if (!c)
			return `there is no context "${ctx}" in flight at step ${t.position} (in flight: ${inFlight})`;
		if (c.blocked) return `context "${ctx}" cannot step now: ${c.blocked}`;
		if (t.frozen) return frozen(t);
		return null;
	}
	if (t.position < t.length) return null;
	if (t.frozen) return frozen(t);
	if (!t.contexts.length)
		return `nothing to step: step ${t.position} is the end of the timeline and no context is in flight (spawn one, or seek back)`;
	if (t.contexts.every((c) => c.blocked))
		return `nothing to step: step ${t.position} is the end of the timeline and every context in flight is blocked (${t.contexts.map((c) => `${c.name}: ${c.blocked}`).join('; ')})`;
	return null;
}

function frozen(t: TimelineView): string {
	return `the timeline is frozen at step ${t.frozen!.at}: ${t.frozen!.explanation}`;
}

/** The message of a rejected call: what was called, then why. */
export function refusalError(call: string, why: string): Error {
	return new Error(`${call}: ${why}`);
}
