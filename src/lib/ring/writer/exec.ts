/**
 * What every writer step works on: the host's `Exec` (state, warnings, payload, notes) and the
 * writer's registers (`Regs`), plus why a write failed. The step machine's registers live in a
 * context slot of the state; the fast paths (fast.ts) keep theirs in a scratch register file of the
 * same layout, so the one function per kernel step serves both.
 * Never touches the DOM; imports nothing outside the engine.
 */
import { K_ERRNO, K_STRUCT, K_TAIL_PAGE, R_RET, slotF, slotI } from '../context';
import { SLOT_F64, SLOT_I32 } from '../layout';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';

/** What a step machine needs from its host besides the state. */
export interface Exec {
	ring: Ring;
	/** RB_WARN_ON / WARN_ON_ONCE equivalents: recorded, shown, and frozen on by the host. */
	warn: (message: string) => void;
	/** Fills the payload of the write in slot k into `dst` (length R_PAYLOAD_LEN; R_SEQ is set). */
	payload(k: number, dst: Uint8Array, offset: number): void;
	/** Plain-words sentence about the step just taken (written only when `verbose`). */
	note: string;
	/** Someone is watching: compose the notes. Free-running writers leave it false. */
	verbose: boolean;
}

/**
 * A writer's registers: int32 fields at `i[K + K_*]`, float64 registers at `f[F + R_*]` (the
 * names of context.ts). For the step machine they are slot `k` of the state; for the fast paths a
 * scratch file (k = -1) that no other thread sees. Beside them, the addresses the steps use, worked
 * out once from the registers (never stored in the state): the state's views, the struct
 * (K_STRUCT) and the tail page (K_TAIL_PAGE).
 */
export class Regs {
	i: Int32Array;
	K: number;
	f: Float64Array;
	F: number;
	k: number;
	ring: Ring;
	i32: Int32Array;
	f64: Float64Array;
	/** int32 and float64 index of struct K_STRUCT (structI, structF). */
	SI = 0;
	SF = 0;
	/** int32 index of the descriptor of page K_TAIL_PAGE, byte offset of its sub-buffer. */
	d = 0;
	base = 0;
	constructor(i: Int32Array, K: number, f: Float64Array, F: number, k: number, ring: Ring) {
		this.i = i;
		this.K = K;
		this.f = f;
		this.F = F;
		this.k = k;
		this.ring = ring;
		this.i32 = ring.i32;
		this.f64 = ring.f64;
	}
}

/** Sets K_STRUCT (cpu_buffer) and the addresses that follow from it. */
export function setStruct(r: Regs, s: number): void {
	r.i[r.K + K_STRUCT] = s;
	r.SI = structI(r.ring, s);
	r.SF = structF(r.ring, s);
}

/** Sets K_TAIL_PAGE (the tail page this writer reserves on) and its addresses. */
export function setTailPage(r: Regs, tp: number): void {
	r.i[r.K + K_TAIL_PAGE] = tp;
	const s = r.i[r.K + K_STRUCT]!;
	r.d = descI(r.ring, s, tp);
	r.base = subbufOff(r.ring, s, tp);
}

/** Points `r` at `ring` and works out the addresses from its K_STRUCT and K_TAIL_PAGE. */
export function bindRegs(r: Regs, ring: Ring): Regs {
	r.ring = ring;
	r.i32 = ring.i32;
	r.f64 = ring.f64;
	setStruct(r, r.i[r.K + K_STRUCT]!);
	setTailPage(r, r.i[r.K + K_TAIL_PAGE]!);
	return r;
}

const NO_STATE = { i32: new Int32Array(0), f64: new Float64Array(0) } as unknown as Ring;
const SLOT_REGS = new Regs(new Int32Array(0), 0, new Float64Array(0), 0, 0, NO_STATE);

/** The registers of context slot k (one shared object: a step reads them before the next call). */
export function slotRegs(ring: Ring, k: number): Regs {
	SLOT_REGS.i = ring.i32;
	SLOT_REGS.K = slotI(ring, k);
	SLOT_REGS.f = ring.f64;
	SLOT_REGS.F = slotF(ring, k);
	SLOT_REGS.k = k;
	return bindRegs(SLOT_REGS, ring);
}

/** A scratch register file laid out like a slot, for a writer that runs without one. */
export function scratchRegs(): Regs {
	return new Regs(new Int32Array(SLOT_I32), 0, new Float64Array(SLOT_F64), 0, -1, NO_STATE);
}

/**
 * Where a step function over values leaves its results beyond the one it returns (one shared
 * scratch, read by the caller right after the call; never part of the state).
 */
export const OUT = new Float64Array(8);
/** OUT indices: [A]'s stamps, clock and what time the event carries; rb_end_commit's snapshot. */
export const O_TS = 0;
export const O_BEFORE = 1;
export const O_AFTER = 2;
export const O_DELTA = 3;
export const O_ADDTS = 4;
export const O_LENGTH = 5;
export const O_COMMITS = 6;
export const O_MAXCOUNT = 7;

// Why a write failed (register R_RET when the writer ends with K_ERRNO set).
export const WHY_RECORD_OFF = 1;
export const WHY_CPU_DISABLED = 2;
export const WHY_RECURSION = 3;
export const WHY_SWAPPED = 4;
export const WHY_FULL = 5;
export const WHY_COMMIT_OVERRUN = 6;
export const WHY_LOOPS = 7;
export const WHY_HEAD_ERROR = 8;
export const WHY_TOO_BIG = 9;
export const WRITE_FAIL_MESSAGES: Record<number, string> = {
	[WHY_RECORD_OFF]: 'recording is off (tracing_on is 0 or the buffer is disabled)',
	[WHY_CPU_DISABLED]:
		"this CPU's buffer has recording disabled (a swap or resize is in progress)",
	[WHY_RECURSION]:
		'a writer of the same context is already in flight on this CPU (trace_recursive_lock)',
	[WHY_SWAPPED]: 'the per-CPU buffer was swapped out before the write started committing',
	[WHY_FULL]: 'the buffer is full and not in overwrite mode: the newest event is dropped',
	[WHY_COMMIT_OVERRUN]:
		'the tail caught up with the commit page: the event is dropped (commit_overrun)',
	[WHY_LOOPS]: 'the reservation was retried 1000 times',
	[WHY_HEAD_ERROR]: 'the head page could not be moved',
	[WHY_TOO_BIG]: 'the event is larger than a sub-buffer holds'
};

/** RB_ADD_STAMP_EXTEND and RB_ADD_STAMP_FORCE: the bits of register R_ADDTS. */
export const ADD_EXTEND = 1;
export const ADD_FORCE = 4;

/** Marks the write as failed: errno in K_ERRNO, the reason (a WHY_*) in R_RET. */
export function fail(r: Regs, why: number, errno: number): void {
	r.i[r.K + K_ERRNO] = errno;
	r.f[r.F + R_RET] = why;
}

/** Recursion bit of a writer context (task 1, irq 2, nmi 4). */
export function recursionBit(ctx: number): number {
	return 1 << ctx;
}
