/**
 * Moving the tail onto the next page: mark the page as being taken over (RB_WRITE_INTCNT on its
 * write and entries), empty it if the tail is still ours, then cmpxchg the tail pointer. A nested
 * writer that moved the tail first makes both later steps do nothing.
 * Kernel: rb_tail_page_update (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { cmpxchg, localAddReturn, localRead } from '../atomics';
import { RB_WRITE_INTCNT, RB_WRITE_MASK } from '../constants';
import { K_NEXT_PAGE, K_STRUCT, K_TAIL_PAGE, R_OLD_ENTRIES, R_OLD_WRITE } from '../context';
import { D_ENTRIES, D_WRITE, S_TAIL_PAGE, SF_PAGES_TOUCHED } from '../layout';
import { descI, structI, subbufOff } from '../ring';
import { writeCommit } from '../subbuf';
import type { Exec, Regs } from './exec';
import { W } from './steps';

/** Step 'tuIntcnt': add RB_WRITE_INTCNT to the next page's write and entries. */
export function tailPageMark(x: Exec, r: Regs): number {
	const i32 = x.ring.i32;
	const nd = descI(x.ring, r.i[r.K + K_STRUCT]!, r.i[r.K + K_NEXT_PAGE]!);
	r.f[r.F + R_OLD_WRITE] = localAddReturn(i32, nd + D_WRITE, RB_WRITE_INTCNT);
	r.f[r.F + R_OLD_ENTRIES] = localAddReturn(i32, nd + D_ENTRIES, RB_WRITE_INTCNT);
	if (x.verbose) x.note = 'Mark the next page as being updated (RB_WRITE_INTCNT).';
	return W.tuZero;
}

/** Step 'tuZero': is the tail still ours? Then empty the next page (write, entries, commit = 0). */
export function tailPageZero(x: Exec, r: Regs): number {
	const ring = x.ring;
	const i32 = ring.i32;
	const s = r.i[r.K + K_STRUCT]!;
	const np = r.i[r.K + K_NEXT_PAGE]!;
	if (r.i[r.K + K_TAIL_PAGE] !== localRead(i32, structI(ring, s) + S_TAIL_PAGE)) {
		if (x.verbose) x.note = 'An interrupt already moved the tail: nothing to do.';
		return W.mtAgain;
	}
	const nd = descI(ring, s, np);
	const ow = r.f[r.F + R_OLD_WRITE]! | 0;
	const oe = r.f[r.F + R_OLD_ENTRIES]! | 0;
	cmpxchg(i32, nd + D_WRITE, ow, ow & ~RB_WRITE_MASK);
	cmpxchg(i32, nd + D_ENTRIES, oe, oe & ~RB_WRITE_MASK);
	writeCommit(ring, subbufOff(ring, s, np), 0);
	if (x.verbose) x.note = `Page ${np} emptied for writing (write, entries, commit = 0).`;
	return W.tuMove;
}

/** Step 'tuMove': cmpxchg tail_page from our page to the next one. */
export function tailPageMove(x: Exec, r: Regs): number {
	const tp = r.i[r.K + K_TAIL_PAGE]!;
	const np = r.i[r.K + K_NEXT_PAGE]!;
	if (cmpxchg(r.i32, r.SI + S_TAIL_PAGE, tp, np) === tp) {
		r.f64[r.SF + SF_PAGES_TOUCHED]!++;
		if (x.verbose) x.note = `tail_page: ${tp} -> ${np}.`;
	} else if (x.verbose) x.note = 'The tail cmpxchg failed: an interrupt moved it first.';
	return W.mtAgain;
}
