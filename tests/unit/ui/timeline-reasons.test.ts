import { describe, expect, it } from 'vitest';
import type { ContextInfo } from '../../../src/lib/ring/simulation';
import {
	THREADS_REASON,
	timeReasons,
	type TimeSituation
} from '../../../src/lib/ui/timeline-reasons';

/** A situation at `position` of `length`, nothing else going on; `more` overrides. */
function at(position: number, length: number, more: Partial<TimeSituation> = {}): TimeSituation {
	return {
		timeline: { position, length, frozen: null, contexts: [] },
		hold: null,
		threadsRunning: false,
		previousMark: -1,
		nextMark: -1,
		kindChosen: false,
		...more
	};
}

function lane(name: string, blocked: string | null): ContextInfo {
	return { name, ctx: 'task', cpu: 0, op: 'write', pc: 0, state: 'ready', depth: 0, blocked };
}

describe('timeReasons(situation)', () => {
	it('at step 0 of 0, Step and Step back say there is nothing to do', () => {
		const why = timeReasons(at(0, 0));
		expect(why.step).toMatch(/^Nothing to step yet/);
		expect(why.back).toMatch(/step 0/);
		expect(why.previous).toBe('No earlier moment.');
		expect(why.next).toBe('No later moment.');
		expect(why.slider).toBeNull();
	});

	it('in the middle of the timeline every control can be used', () => {
		expect(timeReasons(at(2, 5, { previousMark: 1, nextMark: 4 }))).toEqual({
			back: null,
			step: null,
			previous: null,
			next: null,
			slider: null
		});
	});

	it('at the end, Step can go only with a context in flight that is not blocked', () => {
		expect(timeReasons(at(3, 3)).step).toBe(
			'Nothing to step: step 3 is the end of the timeline.'
		);
		const blocked = at(3, 3);
		blocked.timeline.contexts = [lane('task1', 'irq1 runs on top of it')];
		expect(timeReasons(blocked).step).toBe(
			'Nothing to step: every context in flight is blocked.'
		);
		blocked.timeline.contexts.push(lane('irq1', null));
		expect(timeReasons(blocked).step).toBeNull();
	});

	it("a lesson's question holds Step, with the lesson's words", () => {
		const hold = 'Predict first: choose an answer and check it.';
		expect(timeReasons(at(4, 9, { hold })).step).toBe(hold);
	});

	it('a frozen timeline holds Step, and says where', () => {
		const s = at(4, 4);
		s.timeline.frozen = { at: 4, violations: [], explanation: 'x' };
		expect(timeReasons(s).step).toMatch(/^Frozen at step 4/);
	});

	it('writer threads hold every control, with one reason', () => {
		const why = timeReasons(at(2, 5, { threadsRunning: true, previousMark: 1, nextMark: 4 }));
		expect(Object.values(why)).toEqual(Array(5).fill(THREADS_REASON));
	});

	it('names the kind of moment when one is chosen', () => {
		expect(timeReasons(at(0, 0, { kindChosen: true })).next).toBe(
			'No later moment of this kind.'
		);
	});
});
