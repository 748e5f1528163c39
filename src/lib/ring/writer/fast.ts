/**
 * The writer with no one watching: a whole write in one call. writeEvent runs the step machine's
 * own step functions back to back, called by name, on a scratch register file instead of a context
 * slot: the common write (it fits on the tail page) takes the same steps in the same order, so the
 * bytes are those of stepping it (property tests compare the whole state). Any other turn (a page
 * crossing, a head push, a failure) continues through the step table from where it is.
 * Free-running writers in the Worker call it through writeBurst (burst.ts).
 * Kernel: ring_buffer_write (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import {
	claimSlot,
	CTX_TASK,
	freeSlot,
	K_BUFFER,
	K_CPU,
	K_CTX,
	K_ERRNO,
	K_PC,
	OP_WRITE,
	R_AT,
	R_CLOCK_READS,
	R_DELTA_NS,
	R_PAYLOAD_LEN,
	SLOT_RUNNING,
	slotF,
	slotI
} from '../context';
import { bufferTableIndex, type Ring } from '../ring';
import * as commit from './commit';
import { copyPayload } from './copy';
import { scratchRegs, setStruct, type Exec } from './exec';
import { checkSwap, lockReserve, startCommit } from './lock-reserve';
import { reserveA, reserveB, reserveC, reserveD } from './reserve';
import { runStep, stepWriter, W, W_DONE } from './steps';
import { unlockCommit } from './unlock';
import { payloadOffset, updateEvent } from './update';

/** The fast path's registers: laid out like a context slot, never part of the state. */
const FAST = scratchRegs();
let fastPayload: Uint8Array = new Uint8Array(0);
let fastWarn: ((message: string) => void) | undefined;
/** The fast path's host: nobody watches, warnings go to writeEvent's `warn`. */
const FAST_X: Exec = {
	ring: undefined as unknown as Ring,
	note: '',
	verbose: false,
	warn: (message) => fastWarn?.(message),
	payload: (_k, _dst, offset) => copyPayload(FAST_X.ring, offset, fastPayload)
};

/**
 * Writes one event of `payload` on `cpu` (task context), at absolute time `at` ns when given
 * (never before the clock), else one clock step after the last. Returns false when the kernel
 * would not write it (recording off, too large, dropped in producer/consumer mode, ...).
 * `warn` receives the kernel's warnings.
 */
export function writeEvent(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	at = -1,
	warn?: (message: string) => void
): boolean {
	const x = FAST_X;
	const r = FAST;
	x.ring = ring;
	fastPayload = payload;
	fastWarn = warn;
	const ri = r.i;
	const rf = r.f;
	r.ring = ring;
	r.i32 = ring.i32;
	r.f64 = ring.f64;
	ri[K_CPU] = cpu;
	ri[K_CTX] = CTX_TASK;
	ri[K_BUFFER] = 0;
	ri[K_ERRNO] = 0;
	setStruct(r, ring.i32[bufferTableIndex(ring, 0, cpu)]!);
	rf[R_PAYLOAD_LEN] = payload.length;
	rf[R_AT] = at;
	rf[R_DELTA_NS] = -1;
	rf[R_CLOCK_READS] = 0;
	// The steps of a write that fits on the tail page, in the step machine's order.
	let next = lockReserve(x, r);
	if (next === W.startCommit) next = startCommit(x, r);
	if (next === W.checkSwap) next = checkSwap(x, r);
	if (next === W.A) next = reserveA(x, r);
	if (next === W.B) next = reserveB(x, r);
	if (next === W.C) next = reserveC(x, r);
	if (next === W.D) next = reserveD(x, r);
	if (next === W.update) next = updateEvent(x, r);
	if (next === W.copy) {
		copyPayload(ring, payloadOffset(r), payload);
		next = W.commit;
	}
	if (next === W.commit) next = commit.rbCommit(x, r);
	if (next === W.endCheck) next = commit.endCommitCheck(x, r);
	if (next === W.endSnap) next = commit.endCommitSnap(x, r);
	if (next === W.commitPage) next = commit.setCommitPage(x, r);
	if (next === W.commitIndex) next = commit.setCommitIndex(x, r);
	if (next === W.commitAgain) next = commit.setCommitAgain(x, r);
	if (next === W.endDec) next = commit.endCommitDec(x, r);
	if (next === W.endRecheck) next = commit.endCommitRecheck(x, r);
	if (next === W.unlock) next = unlockCommit(x, r);
	// Any other turn (a page crossing, a head push, a failure): the same steps through the table.
	while (next !== W.done) next = runStep(x, r, next);
	return ri[K_ERRNO] === 0;
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
