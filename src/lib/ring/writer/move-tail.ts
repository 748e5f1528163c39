/**
 * The event did not fit on the tail page: rb_move_tail decides whether the tail may move to the
 * next page (not onto the commit page; onto the head page only in overwrite mode, pushing the head
 * with rb_handle_head_page), moves it (rb_tail_page_update), pads the old page (rb_reset_tail),
 * commits what is there and retries the reservation; or drops the event.
 * Kernel: rb_move_tail, rb_reset_tail (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { addReturn, localRead } from '../atomics';
import {
	BUF_PAGE_HDR_SIZE,
	RB_EVNT_MIN_SIZE,
	RB_PAGE_NORMAL,
	RINGBUF_TYPE_PADDING
} from '../constants';
import { K_NEXT_PAGE, K_STRUCT, K_TAIL_PAGE, R_LENGTH, R_TAIL } from '../context';
import { headerWord } from '../format';
import {
	D_REAL_END,
	D_WRITE,
	FL_OVERWRITE,
	H_FLAGS,
	S_COMMIT_PAGE,
	S_READER_PAGE,
	S_TAIL_PAGE,
	SF_COMMIT_OVERRUN,
	SF_DROPPED_EVENTS,
	SF_ENTRIES_BYTES
} from '../layout';
import { isHeadPage, isReaderPage, nextPage } from '../page-ring';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';
import { fail, WHY_COMMIT_OVERRUN, WHY_FULL, type Exec, type Regs } from './exec';
import { setReturn, W } from './steps';

/**
 * rb_reset_tail: after a failed or crossing reservation, fill the rest of the old tail page with
 * padding (or roll the write index back when fewer than 8 bytes are left).
 */
export function resetTail(
	ring: Ring,
	s: number,
	tailPage: number,
	tail: number,
	length: number
): void {
	const { i32, f64, L } = ring;
	const bsize = L.capacity;
	const d = descI(ring, s, tailPage);
	if (tail >= bsize) {
		// Only the event that crossed the boundary pads; the page was filled exactly.
		if (tail === bsize) i32[d + D_REAL_END] = 0;
		addReturn(i32, d + D_WRITE, -length);
		return;
	}
	const ev = (subbufOff(ring, s, tailPage) + BUF_PAGE_HDR_SIZE + tail) >> 2;
	i32[d + D_REAL_END] = tail;
	if (tail > bsize - RB_EVNT_MIN_SIZE) {
		// No room for an event: a null padding the reader never sees (commit ends before it).
		i32[ev] = headerWord(RINGBUF_TYPE_PADDING, 0);
		addReturn(i32, d + D_WRITE, -length);
		return;
	}
	// A padding record with delta 1 up to the end of the page, counted in entries_bytes.
	i32[ev] = headerWord(RINGBUF_TYPE_PADDING, 1);
	i32[ev + 1] = bsize - tail - 4;
	f64[structF(ring, s) + SF_ENTRIES_BYTES] =
		f64[structF(ring, s) + SF_ENTRIES_BYTES]! + bsize - tail;
	addReturn(i32, d + D_WRITE, -(tail + length - bsize));
}

/** Counts a commit_overrun and fails the write: the tail may not pass the commit. */
function commitOverrun(x: Exec, r: Regs): void {
	const SF = structF(x.ring, r.i[r.K + K_STRUCT]!);
	x.ring.f64[SF + SF_COMMIT_OVERRUN]!++;
	fail(r, WHY_COMMIT_OVERRUN, 1);
}

/**
 * Step 'mtNext': the page is full. Is the next page the commit page? Then interrupts wrapped the
 * whole buffer: the event is dropped (commit_overrun).
 */
export function moveTailNext(x: Exec, r: Regs): number {
	const ring = x.ring;
	const s = r.i[r.K + K_STRUCT]!;
	const np = nextPage(ring, s, r.i[r.K + K_TAIL_PAGE]!);
	r.i[r.K + K_NEXT_PAGE] = np;
	if (np === ring.i32[structI(ring, s) + S_COMMIT_PAGE]) {
		commitOverrun(x, r);
		if (x.verbose)
			x.note = `The next page ${np} is the commit page: interrupts wrapped the whole buffer (commit_overrun).`;
		return W.mtResetFail;
	}
	if (x.verbose) x.note = `The next page is ${np}.`;
	return W.mtHead;
}

/**
 * Step 'mtHead': is the next page the head page? Without overwrite the event is dropped
 * (dropped_events); with it the head is pushed. Unless the commit is on the reader page: then the
 * tail leaves the reader page into the ring, or (the commit still there) the event is dropped.
 */
export function moveTailHead(x: Exec, r: Regs): number {
	const ring = x.ring;
	const i32 = ring.i32;
	const s = r.i[r.K + K_STRUCT]!;
	const SI = structI(ring, s);
	const tp = r.i[r.K + K_TAIL_PAGE]!;
	const np = r.i[r.K + K_NEXT_PAGE]!;
	const cp = i32[SI + S_COMMIT_PAGE]!;
	if (isHeadPage(ring, s, np, tp) === RB_PAGE_NORMAL) {
		if (x.verbose) x.note = `Page ${np} is not the head: move the tail there.`;
		return W.tuIntcnt;
	}
	if (!isReaderPage(ring, s, cp)) {
		if (i32[H_FLAGS]! & FL_OVERWRITE) {
			if (x.verbose)
				x.note = `Page ${np} is the head: overwrite mode pushes the head forward.`;
			return W.hpUpdate;
		}
		ring.f64[structF(ring, s) + SF_DROPPED_EVENTS]!++;
		fail(r, WHY_FULL, 1);
		if (x.verbose)
			x.note = `Page ${np} is the head and overwrite is off: the event is dropped (dropped_events).`;
		return W.mtResetFail;
	}
	if (cp !== localRead(i32, SI + S_TAIL_PAGE) && cp === i32[SI + S_READER_PAGE]) {
		commitOverrun(x, r);
		if (x.verbose)
			x.note =
				'The commit is still on the reader page: the head cannot be pushed (commit_overrun).';
		return W.mtResetFail;
	}
	if (x.verbose) x.note = 'The tail leaves the reader page into the ring.';
	return W.tuIntcnt;
}

/** rb_reset_tail on the writer's old tail page, with its reservation. */
function resetOwnTail(x: Exec, r: Regs): void {
	const rf = r.f;
	const ri = r.i;
	resetTail(
		x.ring,
		ri[r.K + K_STRUCT]!,
		ri[r.K + K_TAIL_PAGE]!,
		rf[r.F + R_TAIL]!,
		rf[r.F + R_LENGTH]!
	);
}

/** Step 'mtAgain': pad the old page, commit what is there, then retry ('mtRestart'). */
export function moveTailAgain(x: Exec, r: Regs): number {
	resetOwnTail(x, r);
	setReturn(r, W.mtRestart);
	if (x.verbose) x.note = 'Pad the rest of the old page and commit what is there.';
	return W.endCheck;
}

/** Step 'mtResetFail': undo the reservation (padding); the event is not written. */
export function moveTailResetFail(x: Exec, r: Regs): number {
	resetOwnTail(x, r);
	setReturn(r, W.unlockFail);
	if (x.verbose) x.note = 'Undo: pad the old page; the event is not written.';
	return W.endCheck;
}
