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
import { structI, structOf, type Ring } from '../ring';
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
 * ring_buffer_lock_reserve over values: is recording on for `buffer`, is CPU `cpu`'s buffer on,
 * does an event of `len` payload bytes fit a sub-buffer, is context level `ctx` free on the CPU?
 * Takes the recursion lock and returns the struct (cpu_buffer), or minus the WHY_* of the refusal.
 */
export function lockAt(ring: Ring, buffer: number, cpu: number, ctx: number, len: number): number {
	const i32 = ring.i32;
	if (i32[H_REC_DISABLED + buffer] !== 0) return -WHY_RECORD_OFF;
	const s = structOf(ring, buffer, cpu);
	const SI = structI(ring, s);
	if (i32[SI + S_RECORD_DISABLED] !== 0) return -WHY_CPU_DISABLED;
	if (len > ring.L.capacity - 8) return -WHY_TOO_BIG;
	const bit = recursionBit(ctx);
	if (i32[SI + S_RECURSION]! & bit) return -WHY_RECURSION;
	i32[SI + S_RECURSION] = i32[SI + S_RECURSION]! | bit;
	return s;
}

/** Plain-words sentence for each refusal of lockAt. */
const LOCK_NOTES: Record<number, string> = {
	[WHY_RECORD_OFF]: 'Recording is off: ring_buffer_lock_reserve returns NULL.',
	[WHY_CPU_DISABLED]: "This CPU's buffer has recording disabled: the write is refused.",
	[WHY_TOO_BIG]: 'The event is larger than max_data_size.',
	[WHY_RECURSION]: 'A writer of this context is already running on this CPU: recursion refused.'
};

/**
 * Step 'lock': lockAt on the writer's registers; cpu_buffer = buffer->buffers[cpu] becomes the
 * struct this writer uses from now on. Kernel: ring_buffer_lock_reserve (trace_recursive_lock).
 */
export function lockReserve(x: Exec, r: Regs): number {
	const ri = r.i;
	const K = r.K;
	const cpu = ri[K + K_CPU]!;
	const buffer = ri[K + K_BUFFER]!;
	const s = lockAt(x.ring, buffer, cpu, ri[K + K_CTX]!, r.f[r.F + R_PAYLOAD_LEN]!);
	if (s < 0) {
		if (s !== -WHY_RECORD_OFF) setStruct(r, structOf(x.ring, buffer, cpu));
		if (x.verbose) x.note = LOCK_NOTES[-s]!;
		fail(r, -s, s === -WHY_TOO_BIG ? 2 : 1);
		return W.done;
	}
	setStruct(r, s);
	if (x.verbose) x.note = `Recording is on; this writer will use CPU ${cpu}'s buffer.`;
	return W.startCommit;
}

/** rb_start_commit over values: committing++ and commits++ on struct SI. */
export function startCommitAt(i32: Int32Array, SI: number): void {
	i32[SI + S_COMMITTING]!++;
	i32[SI + S_COMMITS]!++;
}

/** Step 'startCommit': committing++ and commits++. Kernel: rb_start_commit. */
export function startCommit(x: Exec, r: Regs): number {
	const i32 = r.i32;
	const SI = r.SI;
	startCommitAt(i32, SI);
	if (x.verbose)
		x.note = `committing = ${i32[SI + S_COMMITTING]}: from now on a snapshot swap of this CPU is refused.`;
	return W.checkSwap;
}

/**
 * rb_reserve_next_event's check over values: struct SI must still belong to `buffer` (a snapshot
 * swap may have run since the lock); if not, undo rb_start_commit and return -1, else the length
 * of an event of `len` payload bytes.
 */
export function checkSwapAt(i32: Int32Array, SI: number, buffer: number, len: number): number {
	if (i32[SI + S_BUFFER] !== buffer) {
		i32[SI + S_COMMITTING]!--;
		i32[SI + S_COMMITS]!--;
		return -1;
	}
	return eventLength(len);
}

/**
 * Step 'checkSwap': the per-CPU buffer must still belong to our buffer; then the event's length.
 * Kernel: rb_reserve_next_event.
 */
export function checkSwap(x: Exec, r: Regs): number {
	const { K, F } = r;
	const rf = r.f;
	const length = checkSwapAt(r.i32, r.SI, r.i[K + K_BUFFER]!, rf[F + R_PAYLOAD_LEN]!);
	if (length < 0) {
		if (x.verbose)
			x.note = 'The per-CPU buffer now belongs to another buffer (swapped): the write fails.';
		fail(r, WHY_SWAPPED, 1);
		return W.unlockFail;
	}
	rf[F + R_LENGTH] = length;
	rf[F + R_NR_LOOPS] = 0;
	if (x.verbose) x.note = `The event needs ${length} bytes.`;
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
