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
import { clockRead, readClockFor } from '../clock';
import { RB_LEN_TIME_EXTEND, RB_WRITE_MASK, TS_MASK } from '../constants';
import {
	K_TAIL_PAGE,
	R_ADDTS,
	R_AFTER,
	R_AT,
	R_CLOCK_READS,
	R_DELTA_NS,
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
import {
	ADD_EXTEND,
	ADD_FORCE,
	fail,
	O_ADDTS,
	O_AFTER,
	O_BEFORE,
	O_DELTA,
	O_LENGTH,
	O_TS,
	OUT,
	setTailPage,
	WHY_LOOPS,
	type Exec,
	type Regs
} from './exec';
import type { Ring } from '../ring';
import { setReturn, W } from './steps';

/**
 * [A] over values: the write index of the tail page (descriptor `d`, returned), both stamps of
 * the struct (float64 index SF) and the clock (clockRead with `reads`, `at`, `deltaNs`), and what
 * time the event of `length` bytes carries: none on an empty page, an absolute stamp when we
 * interrupted a writer between its [B] and [D], a time extend when the delta does not fit in 27
 * bits. Leaves O_TS, O_BEFORE, O_AFTER, O_DELTA, O_ADDTS and O_LENGTH in OUT.
 */
export function reserveAt(
	ring: Ring,
	SF: number,
	d: number,
	length: number,
	reads: number,
	at: number,
	deltaNs: number
): number {
	const f64 = ring.f64;
	const w = localRead(ring.i32, d + D_WRITE) & RB_WRITE_MASK;
	const before = f64[SF + SF_BEFORE_STAMP]!;
	const after = f64[SF + SF_WRITE_STAMP]!;
	const ts = clockRead(ring, reads, at, deltaNs, before > after ? before : after);
	let addts = 0;
	let delta = 0;
	// Is the page empty? Then its time stamp carries the time.
	if (w !== 0) {
		if (before !== after) {
			// We interrupted another writer between its [B] and [D]: carry a full stamp.
			addts = ADD_FORCE | ADD_EXTEND;
			length += RB_LEN_TIME_EXTEND;
		} else {
			delta = ts - after;
			// Does the delta fit in the header's 27 bits?
			if (delta < 0 || delta > TS_MASK) {
				addts = ADD_EXTEND;
				length += RB_LEN_TIME_EXTEND;
			}
		}
	}
	OUT[O_TS] = ts;
	OUT[O_BEFORE] = before;
	OUT[O_AFTER] = after;
	OUT[O_DELTA] = delta;
	OUT[O_ADDTS] = addts;
	OUT[O_LENGTH] = length;
	return w;
}

/** Step 'A': reserveAt on the writer's registers. */
export function reserveA(x: Exec, r: Regs): number {
	const F = r.F;
	const rf = r.f;
	rf[F + R_ADDTS] = 0;
	rf[F + R_DELTA] = 0;
	if (++rf[F + R_NR_LOOPS]! > 1000) {
		x.warn('rb_reserve_next_event looped more than 1000 times');
		fail(r, WHY_LOOPS, 1);
		setReturn(r, W.unlockFail);
		return W.endCheck;
	}
	const tp = localRead(r.i32, r.SI + S_TAIL_PAGE);
	setTailPage(r, tp);
	const reads = rf[F + R_CLOCK_READS]!;
	const w = reserveAt(
		r.ring,
		r.SF,
		r.d,
		rf[F + R_LENGTH]!,
		reads,
		rf[F + R_AT]!,
		rf[F + R_DELTA_NS]!
	);
	rf[F + R_CLOCK_READS] = reads + 1;
	const ts = OUT[O_TS]!;
	const addts = OUT[O_ADDTS]!;
	const delta = OUT[O_DELTA]!;
	rf[F + R_W] = w;
	rf[F + R_BEFORE] = OUT[O_BEFORE]!;
	rf[F + R_AFTER] = OUT[O_AFTER]!;
	rf[F + R_TS] = ts;
	rf[F + R_ADDTS] = addts;
	rf[F + R_DELTA] = delta;
	rf[F + R_LENGTH] = OUT[O_LENGTH]!;
	if (x.verbose) {
		if (w === 0)
			x.note = `Tail page ${tp} is empty: the event takes the page's time stamp (ts ${ts}).`;
		else if (addts & ADD_FORCE)
			x.note = `before_stamp != write_stamp: we interrupted a writer, so this event carries an absolute time stamp.`;
		else if (addts)
			x.note = `Delta ${delta} ns does not fit in 27 bits: a time extend is added.`;
		else x.note = `Tail page ${tp}, write index ${w}, delta ${delta} ns.`;
	}
	return W.B;
}

/** [B] over values: before_stamp = ts. */
export function stampBefore(f64: Float64Array, SF: number, ts: number): void {
	f64[SF + SF_BEFORE_STAMP] = ts;
}

/** Step 'B': before_stamp = ts. A writer interrupting us from here sees the stamps differ. */
export function reserveB(x: Exec, r: Regs): number {
	const ts = r.f[r.F + R_TS]!;
	stampBefore(r.f64, r.SF, ts);
	if (x.verbose)
		x.note = `before_stamp = ${ts}: a writer interrupting us now will see it differ from write_stamp.`;
	return W.C;
}

/** [C] over values: local_add_return of `length` on the write index of descriptor d; the new index. */
export function reserveWrite(i32: Int32Array, d: number, length: number): number {
	return localAddReturn(i32, d + D_WRITE, length) & RB_WRITE_MASK;
}

/**
 * After [C]: did the reservation run past the page end (move the tail), land where [A] saw the
 * index `w` ([D]), or did an interrupt write in between (the slow path)? The next step's pc.
 */
export function afterReserve(write: number, length: number, w: number, capacity: number): number {
	if (write > capacity) return W.mtNext;
	return write - length === w ? W.D : W.slow;
}

/** Step 'C': the reservation, one local_add_return of the length on the tail page's write index. */
export function reserveC(x: Exec, r: Regs): number {
	const ring = x.ring;
	const { K, F } = r;
	const rf = r.f;
	const length = rf[F + R_LENGTH]!;
	const write = reserveWrite(r.i32, r.d, length);
	const tail = write - length;
	rf[F + R_WRITE] = write;
	rf[F + R_TAIL] = tail;
	const next = afterReserve(write, length, rf[F + R_W]!, ring.L.capacity);
	if (x.verbose) {
		const tp = r.i[K + K_TAIL_PAGE]!;
		if (next === W.mtNext)
			x.note = `Reserved ${tail}..${write} past the page end (${ring.L.capacity}): the tail must move.`;
		else if (next === W.D) x.note = `Reserved bytes ${tail}..${write} of page ${tp}.`;
		else
			x.note = `Reserved ${tail}..${write}, but the write index moved since [A]: an interrupt wrote in between.`;
	}
	return next;
}

/** [D] over values: write_stamp = ts; returns the delta against the previous event. */
export function stampWrite(
	f64: Float64Array,
	SF: number,
	ts: number,
	addts: number,
	after: number
): number {
	f64[SF + SF_WRITE_STAMP] = ts;
	return addts & ADD_FORCE ? ts : ts - after;
}

/** Step 'D': write_stamp = ts, the stamps agree again; the delta against the previous event. */
export function reserveD(x: Exec, r: Regs): number {
	const rf = r.f;
	const F = r.F;
	const ts = rf[F + R_TS]!;
	rf[F + R_DELTA] = stampWrite(r.f64, r.SF, ts, rf[F + R_ADDTS]!, rf[F + R_AFTER]!);
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
