/**
 * The writer with no one watching: a whole write in one call. writeEvent runs the step machine's
 * own step functions back to back, called by name, on a scratch register file instead of a context
 * slot: the common write (it fits on the tail page) takes the same steps in the same order, so the
 * bytes are those of stepping it (property tests compare the whole state). Any other turn (a page
 * crossing, a head push, a failure) continues through the step table from where it is.
 * Free-running writers in the Worker call it through writeBurst (burst.ts).
 * Kernel: ring_buffer_write (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { localRead } from '../atomics';
import {
	claimSlot,
	CTX_TASK,
	freeSlot,
	K_BUFFER,
	K_CPU,
	K_CTX,
	K_ERRNO,
	K_PC,
	K_RET_PC,
	OP_WRITE,
	R_AFTER,
	R_AT,
	R_BEFORE,
	R_CLOCK_READS,
	R_COMMITS,
	R_DELTA,
	R_DELTA_NS,
	R_LENGTH,
	R_NR_LOOPS,
	R_PAYLOAD_LEN,
	R_TAIL,
	R_TS,
	R_W,
	R_WRITE,
	R_ADDTS,
	SLOT_RUNNING,
	slotF,
	slotI
} from '../context';
import { S_TAIL_PAGE } from '../layout';
import { bufferTableIndex, descI, structF, structI, subbufOff, type Ring } from '../ring';
import {
	commitAt,
	commitCaughtUp,
	commitIndexAt,
	endDecAt,
	endRecheckAt,
	endSnapAt
} from './commit';
import { copyPayload } from './copy';
import {
	O_ADDTS,
	O_AFTER,
	O_BEFORE,
	O_COMMITS,
	O_DELTA,
	O_LENGTH,
	O_TS,
	OUT,
	scratchRegs,
	setStruct,
	setTailPage,
	type Exec
} from './exec';
import { checkSwapAt, lockAt, startCommitAt } from './lock-reserve';
import { afterReserve, reserveAt, reserveWrite, stampBefore, stampWrite } from './reserve';
import { runStep, stepWriter, W, W_DONE } from './steps';
import { unlockAt } from './unlock';
import { payloadAt, updateAt } from './update';
/** The fast path's registers, laid out like a context slot, never part of the state: filled
 * only when a write leaves the common turn and continues through the step table. */
const FAST = scratchRegs();
let fastPayload: Uint8Array = new Uint8Array(0);
let fastAt = -1;
let fastWarn: ((message: string) => void) | undefined;
const fastWarnOf = (message: string): void => fastWarn?.(message);
/** The fast path's host: nobody watches, warnings go to writeEvent's `warn`. */
const FAST_X: Exec = {
	ring: undefined as unknown as Ring,
	note: '',
	verbose: false,
	warn: fastWarnOf,
	payload: (_k, _dst, offset) => copyPayload(FAST_X.ring, offset, fastPayload)
};

// The pcs where a write may leave the common turn.
const PC_D = W.D;
const PC_UNLOCK = W.unlock;

/**
 * Leaves the common turn: the writer's locals into the scratch registers (the values so far; the
 * step that comes next works out the rest), then the step table from `next` to the end.
 * Returns whether the write succeeded.
 */
function continueStepped(
	ring: Ring,
	next: number,
	cpu: number,
	s: number,
	tp: number,
	length: number,
	w: number,
	ts: number,
	addts: number,
	delta: number,
	write: number,
	commits: number
): boolean {
	const r = FAST;
	const ri = r.i;
	const rf = r.f;
	FAST_X.ring = ring;
	r.ring = ring;
	r.i32 = ring.i32;
	r.f64 = ring.f64;
	ri[K_CPU] = cpu;
	ri[K_CTX] = CTX_TASK;
	ri[K_BUFFER] = 0;
	ri[K_ERRNO] = 0;
	ri[K_RET_PC] = PC_UNLOCK;
	setStruct(r, s);
	setTailPage(r, tp);
	rf[R_PAYLOAD_LEN] = fastPayload.length;
	rf[R_AT] = fastAt;
	rf[R_DELTA_NS] = -1;
	rf[R_CLOCK_READS] = 1;
	rf[R_NR_LOOPS] = 1;
	rf[R_LENGTH] = length;
	rf[R_W] = w;
	rf[R_BEFORE] = OUT[O_BEFORE]!;
	rf[R_AFTER] = OUT[O_AFTER]!;
	rf[R_TS] = ts;
	rf[R_ADDTS] = addts;
	rf[R_DELTA] = delta;
	rf[R_WRITE] = write;
	rf[R_TAIL] = write - length;
	rf[R_COMMITS] = commits;
	while (next !== W_DONE) next = runStep(FAST_X, r, next);
	return ri[K_ERRNO] === 0;
}

/**
 * Writes one event of `payload` on `cpu` (task context), at absolute time `at` ns when given
 * (never before the clock), else one clock step after the last. Returns false when the kernel
 * would not write it (recording off, too large, dropped in producer/consumer mode, ...).
 * `warn` receives the kernel's warnings.
 *
 * The steps of a write that fits on the tail page, in the step machine's order, through the same
 * functions over values its steps call, with the registers in locals. Any other turn (a page
 * crossing, an interrupted writer, a swap, a failure) continues through the step table
 * (continueStepped) from the step where it leaves.
 */
export function writeEvent(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	at = -1,
	warn?: (message: string) => void
): boolean {
	fastWarn = warn;
	fastPayload = payload;
	fastAt = at;
	const len = payload.length;
	// 'lock': ring_buffer_lock_reserve
	const s = lockAt(ring, 0, cpu, CTX_TASK, len);
	if (s < 0) return false;
	const { i32, f64 } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	// 'startCommit', 'checkSwap'
	startCommitAt(i32, SI);
	let length = checkSwapAt(i32, SI, 0, len);
	if (length < 0) {
		// the per-CPU buffer was swapped: 'unlockFail' through the table, the write fails
		continueStepped(ring, W.unlockFail, cpu, s, 0, 0, 0, 0, 0, 0, 0, 0);
		return false;
	}
	// [A] (the first attempt: nr_loops 1, the write's first clock read), [B], [C]
	const tp = localRead(i32, SI + S_TAIL_PAGE);
	const d = descI(ring, s, tp);
	const w = reserveAt(ring, SF, d, length, 0, at, -1);
	const ts = OUT[O_TS]!;
	const addts = OUT[O_ADDTS]!;
	const delta = OUT[O_DELTA]!;
	length = OUT[O_LENGTH]!;
	stampBefore(f64, SF, ts);
	const write = reserveWrite(i32, d, length);
	const next = afterReserve(write, length, w, ring.L.capacity);
	if (next !== PC_D)
		return continueStepped(ring, next, cpu, s, tp, length, w, ts, addts, delta, write, 0);
	return writeReserved(ring, cpu, payload, s, SI, SF, tp, d, length, w, ts, addts, write);
}

/**
 * The rest of writeEvent's common turn, once [C] reserved the bytes where [A] saw the write index:
 * [D], 'update', 'copy', 'commit' and rb_end_commit. (A function of its own so that V8 inlines the
 * step functions of each half into it.)
 */
function writeReserved(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	s: number,
	SI: number,
	SF: number,
	tp: number,
	d: number,
	length: number,
	w: number,
	ts: number,
	addts: number,
	write: number
): boolean {
	const { i32, f64 } = ring;
	// [D], 'update', 'copy'
	const delta = stampWrite(f64, SF, ts, addts, OUT[O_AFTER]!);
	const base = subbufOff(ring, s, tp);
	const tail = write - length;
	updateAt(ring, SI, SF, d, base, cpu, tail, addts, ts, delta, length, fastWarnOf);
	copyPayload(ring, payloadAt(base, tail, addts, length), payload);
	// 'commit', then rb_end_commit: 'endCheck' (committing holds our own count), 'endSnap'
	const cs = commitAt(ring, 0, cpu);
	if (cs !== s || !endSnapAt(i32, SI) || !commitCaughtUp(i32, SI))
		return continueStepped(ring, W.endCheck, cpu, cs, tp, 0, 0, 0, 0, 0, 0, 0);
	const commits = OUT[O_COMMITS]!;
	// 'commitPage' (the commit page is the tail page), 'commitIndex', 'commitAgain'
	commitIndexAt(ring, d, base);
	if (!commitCaughtUp(i32, SI))
		return continueStepped(ring, W.commitAgain, cpu, s, tp, 0, 0, 0, 0, 0, 0, commits);
	// 'endDec', 'endRecheck', 'unlock'
	endDecAt(i32, SI);
	if (endRecheckAt(i32, SI, commits))
		return continueStepped(ring, W.endSnap, cpu, s, tp, 0, 0, 0, 0, 0, 0, commits);
	unlockAt(i32, SI, CTX_TASK);
	return true;
}

/** The same write through the step machine, run to its end in a context slot of its own. */
export const writeStepped: typeof writeEvent = (ring, cpu, payload, at = -1, warn) => {
	const k = claimSlot(ring, {
		state: SLOT_RUNNING,
		op: OP_WRITE,
		cpu,
		ctx: CTX_TASK,
		struct: ring.i32[bufferTableIndex(ring, 0, cpu)]!
	});
	if (k < 0) return false;
	const K = slotI(ring, k);
	const F = slotF(ring, k);
	const { i32, f64 } = ring;
	f64[F + R_PAYLOAD_LEN] = payload.length;
	f64[F + R_AT] = at;
	f64[F + R_DELTA_NS] = -1;
	const x: Exec = {
		ring,
		note: '',
		verbose: false,
		warn: (m) => warn?.(m),
		payload: (_k, dst, off) => dst.set(payload, off)
	};
	while (i32[K + K_PC] !== W_DONE) stepWriter(x, k);
	const ok = i32[K + K_ERRNO] === 0;
	freeSlot(ring, k);
	return ok;
};
