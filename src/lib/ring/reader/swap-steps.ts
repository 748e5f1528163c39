/**
 * rb_get_reader_page as the step machine runs it: one record per atomic step (G_START .. G_WAIT),
 * each calling the step's function in swap.ts with its state in the slot's registers (K_READER,
 * R_GRP_LOOPS, R_OVERWRITE, R_WAIT) and writing the step's note. It is a sub-machine: consume,
 * read-page and GET_READER enter it at G_START (callGetReaderPage) and G_WAIT returns to
 * K_GRP_RET.
 */
import { K_GRP_RET, K_READER, R_GRP_LOOPS, R_OVERWRITE, R_WAIT } from '../context';
import { D_READ, S_HEAD_PAGE, S_READER_PAGE, SF_LOST_EVENTS } from '../layout';
import { nextPage, prevPage } from '../page-ring';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';
import { commitSize } from '../subbuf';
import {
	G_AGAIN,
	G_FIX,
	G_OUT,
	G_REPLACE,
	G_SET_HEAD,
	G_SPIN,
	G_WAIT,
	step,
	type ReaderExec,
	type ReaderStep,
	type SlotAt
} from './pc';

import {
	checkReaderPage,
	lockCpuBuffer,
	loopedTooOften,
	NOTHING_COMMITTED,
	NOTHING_UNREAD,
	PAGE_BEYOND,
	PAGE_UNREAD,
	replaceHead,
	setReaderHeadFlag,
	spliceBeforeHead,
	SWAP_NEEDED,
	takeOldHead,
	unlockCpuBuffer,
	waitedTooLong,
	writerOnPage
} from './swap';

const readerPageOf = (ring: Ring, s: number): number => ring.i32[structI(ring, s) + S_READER_PAGE]!;

/** The note for what the check at `again:` found (none for a warned read index). */
function againNote(ring: Ring, s: number, found: number): string | null {
	const rp = readerPageOf(ring, s);
	if (found === PAGE_UNREAD) {
		const read = ring.i32[descI(ring, s, rp) + D_READ]!;
		const size = commitSize(ring, subbufOff(ring, s, rp));
		return `Reader page ${rp} still has unread data (${read} of ${size} bytes read).`;
	}
	if (found === NOTHING_COMMITTED)
		return 'The commit page is the reader page: nothing more has been committed.';
	if (found === NOTHING_UNREAD) return 'The buffer holds no unread events: nothing to swap.';
	if (found === SWAP_NEEDED)
		return `Reader page ${rp} is used up: reset it and swap it with the head page.`;
	return null;
}

/** The page rb_get_reader_page works on (K_READER), -1 for none. */
const pageOf = (x: ReaderExec, at: SlotAt): number => x.ring.i32[at.K + K_READER]!;

export const SWAP_STEPS_OF_READER: readonly ReaderStep[] = [
	step('G_START', (x, at) => {
		lockCpuBuffer(x.ring, at.s, at.k);
		x.ring.f64[at.F + R_GRP_LOOPS] = 0;
		if (x.verbose) x.note = 'Interrupts off on the reader CPU; cpu_buffer->lock taken.';
		return G_AGAIN;
	}),
	step('G_AGAIN', (x, at) => {
		const { ring } = x;
		ring.i32[at.K + K_READER] = -1;
		if (loopedTooOften(++ring.f64[at.F + R_GRP_LOOPS]!, x)) {
			if (x.verbose) x.note = 'Looped too often: give up.';
			return G_OUT;
		}
		const found = checkReaderPage(ring, at.s, x);
		if (found <= PAGE_BEYOND) ring.i32[at.K + K_READER] = readerPageOf(ring, at.s);
		const note = x.verbose ? againNote(ring, at.s, found) : null;
		if (note !== null) x.note = note;
		return found === SWAP_NEEDED ? G_SPIN : G_OUT;
	}),
	step('G_SPIN', (x, at) => {
		const { ring } = x;
		const head = spliceBeforeHead(ring, at.s, x);
		ring.i32[at.K + K_READER] = head;
		if (head < 0) return G_OUT;
		if (x.verbose)
			x.note = `The head is page ${head}: reader page ${readerPageOf(ring, at.s)} now points to ${nextPage(ring, at.s, head)} and back to ${prevPage(ring, at.s, head)}.`;
		return G_SET_HEAD;
	}),
	step('G_SET_HEAD', (x, at) => {
		const overwrite = setReaderHeadFlag(x.ring, at.s);
		x.ring.f64[at.F + R_OVERWRITE] = overwrite;
		if (x.verbose)
			x.note = `Reader page ${readerPageOf(x.ring, at.s)}'s next link carries HEAD: it will be the link into the new head. overrun = ${overwrite}.`;
		return G_REPLACE;
	}),
	step('G_REPLACE', (x, at) => {
		const head = pageOf(x, at);
		if (!replaceHead(x.ring, at.s, head)) {
			if (x.verbose)
				x.note =
					'The cmpxchg failed: a writer is pushing the head (UPDATE) or moved it. Find the head again.';
			return G_SPIN;
		}
		const rp = readerPageOf(x.ring, at.s);
		if (x.verbose)
			x.note = `The link into page ${head} now points to reader page ${rp}: ${rp} is in the ring, ${head} is out.`;
		return G_FIX;
	}),
	step('G_FIX', (x, at) => {
		const { ring } = x;
		const head = pageOf(x, at);
		const lost = takeOldHead(ring, at.s, head, ring.f64[at.F + R_OVERWRITE]!);
		if (x.verbose)
			x.note = lost
				? `Page ${head} is the new reader page; ${ring.f64[structF(ring, at.s) + SF_LOST_EVENTS]} events were lost since the last swap.`
				: `Page ${head} is the new reader page; the head moved to ${ring.i32[structI(ring, at.s) + S_HEAD_PAGE]}.`;
		return G_AGAIN;
	}),
	step('G_OUT', (x, at) => {
		const r = pageOf(x, at);
		unlockCpuBuffer(x.ring, at.s, r);
		x.ring.f64[at.F + R_WAIT] = 0;
		if (x.verbose) x.note = r >= 0 ? `Reading from page ${r}.` : 'No page to read.';
		return G_WAIT;
	}),
	step('G_WAIT', (x, at) => {
		const { ring } = x;
		const r = pageOf(x, at);
		if (r >= 0 && writerOnPage(ring, at.s, r)) {
			if (!waitedTooLong(++ring.f64[at.F + R_WAIT]!, x)) {
				if (x.verbose)
					x.note =
						'A writer reserved past the end of this page and is still moving the tail: wait.';
				return G_WAIT;
			}
			ring.i32[at.K + K_READER] = -1;
		}
		if (x.verbose) x.note = 'The page is settled.';
		return ring.i32[at.K + K_GRP_RET]!;
	})
];
