/**
 * Broken invariants in plain words: what the kernel's design promises (the rule), what the state
 * shows instead (the engine's message), and what it means for the data. Built on the messages of
 * invariants.ts; the page shows this when a timeline freezes on the step that broke one.
 */
import type { Violation } from '../ring';

/** What each invariant promises, as a learner would say it. */
export const INVARIANT_RULES: Record<string, { rule: string; consequence: string }> = {
	ring: {
		rule: 'the pages of a CPU buffer form one closed ring through their next links',
		consequence: 'a writer or reader following the links would walk off the ring'
	},
	'reader-outside': {
		rule: 'the reader page stays outside the ring, so writers never write into what is being read',
		consequence: 'a writer can overwrite the page a reader is reading'
	},
	pages: {
		rule: 'every page is either in the ring or the reader page, exactly once',
		consequence: 'a page went missing or is counted twice'
	},
	'one-head': {
		rule: 'when no context is in flight exactly one link carries HEAD and none carries UPDATE',
		consequence: 'readers and writers no longer agree where the oldest data starts'
	},
	'commit-at-tail': {
		rule: 'when no writer is in flight the commit page is the tail page and every reserved byte is committed',
		consequence:
			'some reserved bytes will never be committed, so readers stop before them: those events are invisible'
	},
	accounting: {
		rule: 'every event written is read, overwritten, or still in the buffer (entries = overrun + read + in the buffer)',
		consequence:
			'the counters say an event exists that no reader will ever see (or the reverse): events vanished or appeared'
	},
	ids: {
		rule: 'once the buffer is mapped, sub-buffer IDs are a permutation of 0..nr_pages',
		consequence: 'user space would look up the wrong sub-buffer through its mapping'
	}
};

/** One violation as a sentence: the rule, what is seen instead, the consequence. */
export function explainViolation(v: Violation): string {
	const r = INVARIANT_RULES[v.invariant];
	if (!r) return `Invariant "${v.invariant}" broke on CPU ${v.cpu}: ${v.message}.`;
	return `On CPU ${v.cpu} (struct ${v.struct}) the rule "${r.rule}" no longer holds: ${v.message}. So ${r.consequence}.`;
}

/** All the violations of one step, with where they came from, in a short paragraph. */
export function explainViolations(vs: readonly Violation[], step: number, op: string): string {
	if (!vs.length) return '';
	const head = `Step ${step} (${op}) broke ${vs.length === 1 ? 'an invariant' : `${vs.length} invariants`} the kernel relies on; ringlab stops here.`;
	return [head, ...vs.map(explainViolation)].join(' ');
}
