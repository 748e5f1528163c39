/**
 * rb_get_reader_page as the step machine runs it: one record per atomic step (G_START .. G_WAIT),
 * each calling the step's function in swap.ts with its state in the slot's registers (K_READER,
 * R_GRP_LOOPS, R_OVERWRITE, R_WAIT) and writing the step's note. It is a sub-machine: consume,
 * read-page and GET_READER enter it at G_START (callGetReaderPage) and G_WAIT returns to
 * K_GRP_RET.
 */
import {
	K_GRP_RET,
	K_READER,
	K_STRUCT,
	R_GRP_LOOPS,
	R_OVERWRITE,
	R_WAIT,
	slotF,
	slotI
} from '../context';
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
	type ReaderStep
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

/** The slot's per-CPU buffer and the int32/float64 indexes of its fields and registers. */
function regs(x: { ring: Ring }, k: number): { s: number; K: number; F: number } {
	const K = slotI(x.ring, k);
	return { s: x.ring.i32[K + K_STRUCT]!, K, F: slotF(x.ring, k) };
}

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

export const SWAP_STEPS_OF_READER: readonly ReaderStep[] = [
	{
		id: 'G_START',
		label: 'irqs off, take cpu_buffer->lock',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { s, F } = regs(x, k);
			lockCpuBuffer(x.ring, s, k);
			x.ring.f64[F + R_GRP_LOOPS] = 0;
			if (x.verbose) x.note = 'Interrupts off on the reader CPU; cpu_buffer->lock taken.';
			return G_AGAIN;
		}
	},
	{
		id: 'G_AGAIN',
		label: 'unread data on the reader page? anything to swap?',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K, F } = regs(x, k);
			ring.i32[K + K_READER] = -1;
			if (loopedTooOften(++ring.f64[F + R_GRP_LOOPS]!, x)) {
				if (x.verbose) x.note = 'Looped too often: give up.';
				return G_OUT;
			}
			const found = checkReaderPage(ring, s, x);
			if (found <= PAGE_BEYOND) ring.i32[K + K_READER] = readerPageOf(ring, s);
			const note = x.verbose ? againNote(ring, s, found) : null;
			if (note !== null) x.note = note;
			return found === SWAP_NEEDED ? G_SPIN : G_OUT;
		}
	},
	{
		id: 'G_SPIN',
		label: 'find the head page, splice the reader page in front of it',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K } = regs(x, k);
			const head = spliceBeforeHead(ring, s, x);
			ring.i32[K + K_READER] = head;
			if (head < 0) return G_OUT;
			if (x.verbose)
				x.note = `The head is page ${head}: reader page ${readerPageOf(ring, s)} now points to ${nextPage(ring, s, head)} and back to ${prevPage(ring, s, head)}.`;
			return G_SET_HEAD;
		}
	},
	{
		id: 'G_SET_HEAD',
		label: 'reader page next -> HEAD; read overrun',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { s, F } = regs(x, k);
			const overwrite = setReaderHeadFlag(x.ring, s);
			x.ring.f64[F + R_OVERWRITE] = overwrite;
			if (x.verbose)
				x.note = `Reader page ${readerPageOf(x.ring, s)}'s next link carries HEAD: it will be the link into the new head. overrun = ${overwrite}.`;
			return G_REPLACE;
		}
	},
	{
		id: 'G_REPLACE',
		label: 'cmpxchg link into head: (head|HEAD) -> reader page',
		kernel: 'rb_head_page_replace',
		run(x, k) {
			const { s, K } = regs(x, k);
			const head = x.ring.i32[K + K_READER]!;
			if (!replaceHead(x.ring, s, head)) {
				if (x.verbose)
					x.note =
						'The cmpxchg failed: a writer is pushing the head (UPDATE) or moved it. Find the head again.';
				return G_SPIN;
			}
			if (x.verbose)
				x.note = `The link into page ${head} now points to reader page ${readerPageOf(x.ring, s)}: ${readerPageOf(x.ring, s)} is in the ring, ${head} is out.`;
			return G_FIX;
		}
	},
	{
		id: 'G_FIX',
		label: 'new head prev -> reader page; old head is the reader page',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K, F } = regs(x, k);
			const head = ring.i32[K + K_READER]!;
			const lost = takeOldHead(ring, s, head, ring.f64[F + R_OVERWRITE]!);
			if (x.verbose)
				x.note = lost
					? `Page ${head} is the new reader page; ${ring.f64[structF(ring, s) + SF_LOST_EVENTS]} events were lost since the last swap.`
					: `Page ${head} is the new reader page; the head moved to ${ring.i32[structI(ring, s) + S_HEAD_PAGE]}.`;
			return G_AGAIN;
		}
	},
	{
		id: 'G_OUT',
		label: 'set read_stamp, drop cpu_buffer->lock',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { s, K, F } = regs(x, k);
			const r = x.ring.i32[K + K_READER]!;
			unlockCpuBuffer(x.ring, s, r);
			x.ring.f64[F + R_WAIT] = 0;
			if (x.verbose) x.note = r >= 0 ? `Reading from page ${r}.` : 'No page to read.';
			return G_WAIT;
		}
	},
	{
		id: 'G_WAIT',
		label: 'wait while a writer is still moving off the page',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K, F } = regs(x, k);
			const r = ring.i32[K + K_READER]!;
			if (r >= 0 && writerOnPage(ring, s, r)) {
				if (waitedTooLong(++ring.f64[F + R_WAIT]!, x)) ring.i32[K + K_READER] = -1;
				else {
					if (x.verbose)
						x.note =
							'A writer reserved past the end of this page and is still moving the tail: wait.';
					return G_WAIT;
				}
			}
			if (x.verbose) x.note = 'The page is settled.';
			return ring.i32[K + K_GRP_RET]!;
		}
	}
];
