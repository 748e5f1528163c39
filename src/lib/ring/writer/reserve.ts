/**
 * __rb_reserve_next, one atomic step per labelled point: [A] read the tail page, its write index,
 * the stamps and the clock; [B] before_stamp; [C] the reservation (local_add_return on the write
 * index); [D] write_stamp; and, when an interrupt wrote between [A] and [C], the slow path with a
 * new clock read, [E] and [F]. The labels are the kernel's own.
 * Kernel: __rb_reserve_next (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 *
 * If another writer of this CPU runs between [A] and [C], [C] sees the write index moved and takes
 * the slow path; one that runs between [B] and [D] finds before_stamp != write_stamp at its [A] and
 * carries an absolute time stamp.
 */
import { localAddReturn, localRead } from '../atomics';
import { readClockFor } from '../clock';
import { RB_LEN_TIME_EXTEND, RB_WRITE_MASK, TS_MASK } from '../constants';
import {
	K_TAIL_PAGE,
	R_ADDTS,
	R_AFTER,
	R_BEFORE,
	R_DELTA,
	R_LENGTH,
	R_NR_LOOPS,
	R_TAIL,
	R_TS,
	R_TS2,
	R_W,
	R_WRITE
} from '../context';
import { D_WRITE, S_TAIL_PAGE, SF_BEFORE_STAMP, SF_WRITE_STAMP } from '../layout';
import { ADD_EXTEND, ADD_FORCE, fail, setTailPage, WHY_LOOPS, type Exec, type Regs } from './exec';
import { setReturn, W } from './steps';

/**
 * Step 'A': read the tail page, its write index, both stamps and the clock, and decide what time
 * the event carries: none on an empty page, an absolute stamp when we interrupted a writer between
 * its [B] and [D], a time extend when the delta does not fit in 27 bits.
 */
export function reserveA(x: Exec, r: Regs): number {
	const { i32, f64, F } = r;
	const rf = r.f;
	rf[F + R_ADDTS] = 0;
	rf[F + R_DELTA] = 0;
	if (++rf[F + R_NR_LOOPS]! > 1000) {
		x.warn('rb_reserve_next_event looped more than 1000 times');
		fail(r, WHY_LOOPS, 1);
		setReturn(r, W.unlockFail);
		return W.endCheck;
	}
	const tp = localRead(i32, r.SI + S_TAIL_PAGE);
	setTailPage(r, tp);
	const w = localRead(i32, r.d + D_WRITE) & RB_WRITE_MASK;
	rf[F + R_W] = w;
	const SF = r.SF;
	const before = f64[SF + SF_BEFORE_STAMP]!;
	const after = f64[SF + SF_WRITE_STAMP]!;
	rf[F + R_BEFORE] = before;
	rf[F + R_AFTER] = after;
	const ts = readClockFor(r.ring, rf, F, before > after ? before : after);
	rf[F + R_TS] = ts;
	// Is the page empty? Then its time stamp carries the time.
	if (w === 0) {
		if (x.verbose)
			x.note = `Tail page ${tp} is empty: the event takes the page's time stamp (ts ${ts}).`;
	} else if (before !== after) {
		// We interrupted another writer between its [B] and [D]: carry a full stamp.
		rf[F + R_ADDTS] = ADD_FORCE | ADD_EXTEND;
		rf[F + R_LENGTH] = rf[F + R_LENGTH]! + RB_LEN_TIME_EXTEND;
		if (x.verbose)
			x.note = `before_stamp != write_stamp: we interrupted a writer, so this event carries an absolute time stamp.`;
	} else {
		const delta = ts - after;
		rf[F + R_DELTA] = delta;
		// Does the delta fit in the header's 27 bits?
		if (delta < 0 || delta > TS_MASK) {
			rf[F + R_ADDTS] = ADD_EXTEND;
			rf[F + R_LENGTH] = rf[F + R_LENGTH]! + RB_LEN_TIME_EXTEND;
			if (x.verbose)
				x.note = `Delta ${delta} ns does not fit in 27 bits: a time extend is added.`;
		} else if (x.verbose) x.note = `Tail page ${tp}, write index ${w}, delta ${delta} ns.`;
	}
	return W.B;
}

/** Step 'B': before_stamp = ts. A writer interrupting us from here sees the stamps differ. */
export function reserveB(x: Exec, r: Regs): number {
	const ts = r.f[r.F + R_TS]!;
	r.f64[r.SF + SF_BEFORE_STAMP] = ts;
	if (x.verbose)
		x.note = `before_stamp = ${ts}: a writer interrupting us now will see it differ from write_stamp.`;
	return W.C;
}

/**
 * Step 'C': the reservation, one local_add_return of the length on the tail page's write index.
 * Did it run past the page end (move the tail), land where [A] saw the index ([D]), or did an
 * interrupt write in between (the slow path)?
 */
export function reserveC(x: Exec, r: Regs): number {
	const ring = x.ring;
	const { K, F } = r;
	const rf = r.f;
	const tp = r.i[K + K_TAIL_PAGE]!;
	const length = rf[F + R_LENGTH]!;
	const write = localAddReturn(r.i32, r.d + D_WRITE, length) & RB_WRITE_MASK;
	const tail = write - length;
	rf[F + R_WRITE] = write;
	rf[F + R_TAIL] = tail;
	if (write > ring.L.capacity) {
		if (x.verbose)
			x.note = `Reserved ${tail}..${write} past the page end (${ring.L.capacity}): the tail must move.`;
		return W.mtNext;
	}
	if (tail === rf[F + R_W]) {
		if (x.verbose) x.note = `Reserved bytes ${tail}..${write} of page ${tp}.`;
		return W.D;
	}
	if (x.verbose)
		x.note = `Reserved ${tail}..${write}, but the write index moved since [A]: an interrupt wrote in between.`;
	return W.slow;
}

/** Step 'D': write_stamp = ts, the stamps agree again; the delta against the previous event. */
export function reserveD(x: Exec, r: Regs): number {
	const rf = r.f;
	const F = r.F;
	const ts = rf[F + R_TS]!;
	r.f64[r.SF + SF_WRITE_STAMP] = ts;
	rf[F + R_DELTA] = rf[F + R_ADDTS]! & ADD_FORCE ? ts : ts - rf[F + R_AFTER]!;
	if (x.verbose) x.note = `write_stamp = ${ts}: stamps agree again.`;
	return W.update;
}

/** Step 'slow': interrupted between [A] and [C]: read the clock again and set before_stamp. */
export function reserveSlow(x: Exec, r: Regs): number {
	const { ring } = x;
	const f64 = ring.f64;
	const rf = r.f;
	const F = r.F;
	const SF = r.SF;
	const before = f64[SF + SF_BEFORE_STAMP]!;
	const after = f64[SF + SF_WRITE_STAMP]!;
	rf[F + R_BEFORE] = before;
	const ts2 = readClockFor(ring, rf, F, before > after ? before : after);
	rf[F + R_TS2] = ts2;
	f64[SF + SF_BEFORE_STAMP] = ts2;
	if (x.verbose)
		x.note = `Interrupted between [A] and [C]: read the clock again (${ts2}) and set before_stamp.`;
	return W.E;
}

/** Step 'E': read write_stamp. */
export function reserveE(x: Exec, r: Regs): number {
	const after = r.f64[r.SF + SF_WRITE_STAMP]!;
	r.f[r.F + R_AFTER] = after;
	if (x.verbose) x.note = `write_stamp reads ${after}.`;
	return W.F;
}

/**
 * Step 'F': did nothing come in after our reservation? Then the delta from write_stamp, else 0
 * (the same time as the event we interrupted).
 */
export function reserveF(x: Exec, r: Regs): number {
	const F = r.F;
	const rf = r.f;
	const ts2 = rf[F + R_TS2]!;
	const after = rf[F + R_AFTER]!;
	const cur = localRead(r.i32, r.d + D_WRITE) & RB_WRITE_MASK;
	if (rf[F + R_WRITE] === cur && after === rf[F + R_BEFORE] && after < ts2) {
		rf[F + R_DELTA] = ts2 - after;
		if (x.verbose) x.note = `Nothing came in after our reservation: delta = ${ts2 - after}.`;
	} else {
		rf[F + R_DELTA] = 0;
		if (x.verbose)
			x.note =
				'Something came in after our reservation: use delta 0 (same time as the event we interrupted).';
	}
	rf[F + R_TS] = ts2;
	rf[F + R_ADDTS] = rf[F + R_ADDTS]! & ~ADD_FORCE;
	return W.update;
}
