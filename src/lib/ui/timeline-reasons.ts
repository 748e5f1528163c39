// Why a control of the time bar cannot be used now, in plain words: each disabled button shows
// its reason as a tooltip and as its accessible description, and a lesson's "predict first" is
// also shown on the bar. Pure: it reads what the bar shows and returns null when a control can go.
import type { TimelineView } from '$lib/worker/protocol';

/** What the time bar's buttons depend on. */
export interface TimeSituation {
	timeline: TimelineView;
	/** Why Step waits (a lesson's question not answered yet), or null. */
	hold: string | null;
	/** Writer threads are writing behind the engine's back: nothing can be replayed. */
	threadsRunning: boolean;
	/** The position of the previous and of the next moment of the kind chosen, or -1. */
	previousMark: number;
	nextMark: number;
	/** Whether a kind of moment is chosen (rather than any). */
	kindChosen: boolean;
}

/** The reason each control of the time bar is disabled, or null where it can be used. */
export interface TimeReasons {
	back: string | null;
	/** Step and Play: both go forward, and wait for the same things. */
	step: string | null;
	previous: string | null;
	next: string | null;
	slider: string | null;
}

export const THREADS_REASON = 'Stop the writer threads to travel in time.';

/** Why Step (and Play) cannot go forward, or null. */
function stepReason(s: TimeSituation): string | null {
	const t = s.timeline;
	if (s.threadsRunning) return THREADS_REASON;
	if (s.hold) return s.hold;
	if (t.frozen)
		return `Frozen at step ${t.frozen.at}: step back, or scrub the timeline, to look.`;
	// Is there a kept future, or a context in flight that can run?
	if (t.position < t.length || t.contexts.some((c) => !c.blocked)) return null;
	if (t.contexts.length) return 'Nothing to step: every context in flight is blocked.';
	return t.position === 0
		? 'Nothing to step yet: write events, or spawn a context to step.'
		: `Nothing to step: step ${t.position} is the end of the timeline.`;
}

/** The reason each time-bar control is disabled (null: it can be used). */
export function timeReasons(s: TimeSituation): TimeReasons {
	const threads = s.threadsRunning ? THREADS_REASON : null;
	const kind = s.kindChosen ? ' of this kind' : '';
	return {
		back:
			threads ??
			(s.timeline.position === 0 ? 'At step 0, the start: no step before it.' : null),
		step: stepReason(s),
		previous: threads ?? (s.previousMark < 0 ? `No earlier moment${kind}.` : null),
		next: threads ?? (s.nextMark < 0 ? `No later moment${kind}.` : null),
		slider: threads
	};
}
