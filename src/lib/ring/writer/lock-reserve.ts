/**
 * The writer's way in: ring_buffer_lock_reserve (recording on? recursion lock), rb_start_commit
 * and the checks of rb_reserve_next_event, and the retry after a page crossing.
 * Kernel: ring_buffer_lock_reserve, rb_start_commit, rb_reserve_next_event
 * (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { K_BUFFER, K_CPU, K_CTX, R_ADDTS, R_LENGTH, R_NR_LOOPS, R_PAYLOAD_LEN } from '../context';
import { RB_LEN_TIME_EXTEND } from '../constants';
import { eventLength } from '../format';
import {
	H_REC_DISABLED,
	S_BUFFER,
	S_COMMITS,
	S_COMMITTING,
	S_RECORD_DISABLED,
	S_RECURSION
} from '../layout';
import { structOf } from '../ring';
import {
	ADD_EXTEND,
	ADD_FORCE,
	fail,
	setStruct,
	recursionBit,
	WHY_CPU_DISABLED,
	WHY_RECORD_OFF,
	WHY_RECURSION,
	WHY_SWAPPED,
	WHY_TOO_BIG,
	type Exec,
	type Regs
} from './exec';
import { W } from './steps';

/**
 * Step 'lock': is recording on, does the event fit a sub-buffer, is this context level free on
 * this CPU? Takes the recursion lock. Kernel: ring_buffer_lock_reserve (trace_recursive_lock).
 */
export function lockReserve(x: Exec, r: Regs): number {
	const { i32, L } = x.ring;
	const ri = r.i;
	const K = r.K;
	const cpu = ri[K + K_CPU]!;
	if (i32[H_REC_DISABLED + ri[K + K_BUFFER]!] !== 0) {
		if (x.verbose) x.note = 'Recording is off: ring_buffer_lock_reserve returns NULL.';
		fail(r, WHY_RECORD_OFF, 1);
		return W.done;
	}
	// cpu_buffer = buffer->buffers[cpu]: the struct this writer will use from now on.
	setStruct(r, structOf(x.ring, ri[K + K_BUFFER]!, cpu));
	const nsi = r.SI;
	if (i32[nsi + S_RECORD_DISABLED] !== 0) {
		if (x.verbose) x.note = "This CPU's buffer has recording disabled: the write is refused.";
		fail(r, WHY_CPU_DISABLED, 1);
		return W.done;
	}
	if (r.f[r.F + R_PAYLOAD_LEN]! > L.capacity - 8) {
		if (x.verbose) x.note = 'The event is larger than max_data_size.';
		fail(r, WHY_TOO_BIG, 2);
		return W.done;
	}
	const bit = recursionBit(ri[K + K_CTX]!);
	if (i32[nsi + S_RECURSION]! & bit) {
		if (x.verbose)
			x.note = 'A writer of this context is already running on this CPU: recursion refused.';
		fail(r, WHY_RECURSION, 1);
		return W.done;
	}
	i32[nsi + S_RECURSION] = i32[nsi + S_RECURSION]! | bit;
	if (x.verbose) x.note = `Recording is on; this writer will use CPU ${cpu}'s buffer.`;
	return W.startCommit;
}

/** Step 'startCommit': committing++ and commits++. Kernel: rb_start_commit. */
export function startCommit(x: Exec, r: Regs): number {
	const i32 = r.i32;
	const SI = r.SI;
	i32[SI + S_COMMITTING]!++;
	i32[SI + S_COMMITS]!++;
	if (x.verbose)
		x.note = `committing = ${i32[SI + S_COMMITTING]}: from now on a snapshot swap of this CPU is refused.`;
	return W.checkSwap;
}

/**
 * Step 'checkSwap': the per-CPU buffer must still belong to our buffer (a snapshot swap may have
 * run since 'lock'); then the event's length. Kernel: rb_reserve_next_event.
 */
export function checkSwap(x: Exec, r: Regs): number {
	const i32 = r.i32;
	const { K, F } = r;
	const rf = r.f;
	const SI = r.SI;
	if (i32[SI + S_BUFFER] !== r.i[K + K_BUFFER]) {
		i32[SI + S_COMMITTING]!--;
		i32[SI + S_COMMITS]!--;
		if (x.verbose)
			x.note = 'The per-CPU buffer now belongs to another buffer (swapped): the write fails.';
		fail(r, WHY_SWAPPED, 1);
		return W.unlockFail;
	}
	rf[F + R_LENGTH] = eventLength(rf[F + R_PAYLOAD_LEN]!);
	rf[F + R_NR_LOOPS] = 0;
	if (x.verbose) x.note = `The event needs ${rf[F + R_LENGTH]} bytes.`;
	return W.A;
}

/**
 * Step 'mtRestart': after a page crossing, committing++ again and retry [A] on the new tail page,
 * without the time extend the failed attempt had added. Kernel: rb_reserve_next_event (the
 * `again` loop around __rb_reserve_next).
 */
export function retryReserve(x: Exec, r: Regs): number {
	const SI = r.SI;
	r.i32[SI + S_COMMITTING]!++;
	const rf = r.f;
	const F = r.F;
	if (rf[F + R_ADDTS]! & (ADD_FORCE | ADD_EXTEND))
		rf[F + R_LENGTH] = rf[F + R_LENGTH]! - RB_LEN_TIME_EXTEND;
	if (x.verbose) x.note = 'Retry the reservation on the new tail page.';
	return W.A;
}
