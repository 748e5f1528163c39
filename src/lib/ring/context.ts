/**
 * Context slots: the registers of a concurrent context (a task, IRQ or NMI writer on a CPU, a reader
 * on another CPU, user space, a snapshot swap) live in the state buffer like everything else, so an
 * operation paused between two atomic steps is part of a byte snapshot and replays exactly.
 */
import { cmpxchg, store } from './atomics';
import { MAX_SLOTS, SLOT_I32 } from './layout';
import type { Ring } from './ring';

// int32 fields
export const K_STATE = 0; // SLOT_FREE, SLOT_READY, SLOT_RUNNING, SLOT_DONE
export const K_OP = 1;
export const K_CPU = 2;
export const K_CTX = 3;
export const K_PC = 4;
export const K_STRUCT = 5;
export const K_BUFFER = 6;
export const K_ERRNO = 7; // 0 while ok, else an ERRNO_CODES index
export const K_RET_PC = 8; // where rb_end_commit returns
export const K_GRP_RET = 9; // where rb_get_reader_page returns
export const K_READER = 11; // page returned by rb_get_reader_page, -1 for none
export const K_TAIL_PAGE = 12;
export const K_NEXT_PAGE = 13;
export const K_NEW_HEAD = 14;
export const K_DEPTH = 15; // position on its CPU's nesting stack, 0 when not on it

// float64 registers
export const R_PAYLOAD_LEN = 0;
export const R_LENGTH = 1;
export const R_W = 2;
export const R_WRITE = 3;
export const R_TAIL = 4;
export const R_BEFORE = 5;
export const R_AFTER = 6;
export const R_TS = 7;
export const R_DELTA = 8;
export const R_ADDTS = 9;
export const R_COMMITS = 10;
export const R_ENTRIES = 11;
export const R_OLD_WRITE = 12;
export const R_OLD_ENTRIES = 13;
export const R_SEQ = 14;
export const R_MAXCOUNT = 15;
export const R_TYPE = 16;
export const R_RET = 17;
export const R_CLOCK_READS = 18;
export const R_TS2 = 19;
export const R_COUNT = 20; // events asked for (consume), -1 for all
export const R_DONE_COUNT = 21;
export const R_OVERWRITE = 22; // overrun snapshot in rb_get_reader_page
export const R_WAIT = 23;
export const R_GRP_LOOPS = 24;
export const R_NR_LOOPS = 25;
export const R_PEEK_TS = 26;
export const R_PEEK_LOOPS = 27;
export const R_AT = 28; // requested absolute time, -1 when none
export const R_DELTA_NS = 29; // requested delta, -1 when none

export const SLOT_FREE = 0;
export const SLOT_READY = 1;
export const SLOT_RUNNING = 2;
export const SLOT_DONE = 3;
/** Allocated, fields being filled in. */
export const SLOT_CLAIMED = 4;

export const CTX_NAMES = ['task', 'irq', 'nmi', 'reader', 'user', 'swap'] as const;
export type CtxName = (typeof CTX_NAMES)[number];
export const CTX_TASK = 0;
export const CTX_IRQ = 1;
export const CTX_NMI = 2;
export const CTX_READER = 3;
export const CTX_USER = 4;
export const CTX_SWAP = 5;

export const OP_WRITE = 1;
export const OP_CONSUME = 2;
export const OP_READ_PAGE = 3;
export const OP_GET_READER = 4;
export const OP_SWAP_CPU = 5;

/** int32 index of slot k's fields. */
export function slotI(ring: Ring, k: number): number {
	return (ring.L.slotOff + k * ring.L.slotBytes) >> 2;
}
/** float64 index of slot k's registers. */
export function slotF(ring: Ring, k: number): number {
	return (ring.L.slotOff + k * ring.L.slotBytes + SLOT_I32 * 4) >> 3;
}

/**
 * Zeroes slot k's words after K_STATE. A word loop: `fill` on a SharedArrayBuffer-backed array
 * costs ~20x more for these few hundred bytes in Node 20 (it was most of a GET_READER call).
 */
function clearSlot(ring: Ring, k: number): void {
	const i32 = ring.i32;
	const from = slotI(ring, k) + 1;
	const to = (ring.L.slotOff + (k + 1) * ring.L.slotBytes) >> 2;
	for (let i = from; i < to; i++) i32[i] = 0;
}

/**
 * A free slot, cleared, or -1 when all MAX_SLOTS contexts are in use. Claimed with a cmpxchg:
 * writer Workers and the reader thread may allocate slots at the same moment.
 */
export function allocSlot(ring: Ring): number {
	for (let k = 0; k < MAX_SLOTS; k++) {
		const ki = slotI(ring, k);
		if (cmpxchg(ring.i32, ki + K_STATE, SLOT_FREE, SLOT_CLAIMED) === SLOT_FREE) {
			clearSlot(ring, k); // K_STATE (the first word) stays CLAIMED: the caller sets it.
			return k;
		}
	}
	return -1;
}

/** Frees slot k and clears its registers, so a finished context leaves no trace in the state. */
export function freeSlot(ring: Ring, k: number): void {
	clearSlot(ring, k);
	store(ring.i32, slotI(ring, k) + K_STATE, SLOT_FREE); // last: the slot is free to claim
}

/**
 * Steps a context run to its end may take before it is given up: only a context spinning on
 * something that never changes (a lock a paused context holds, a writer that never moves off a
 * page) comes near it. Simulation's run-to-end and the stepped GET_READER both stop there.
 */
export const STEP_LIMIT = 50_000_000;

/** What a new context is: the fields claimSlot sets (every other word of the slot is zero). */
export interface ContextSetup {
	/** SLOT_READY for a context the scheduler starts, SLOT_RUNNING for one run at once. */
	state: number;
	op: number;
	cpu: number;
	ctx: number;
	struct: number;
}

/**
 * A new context: claims a free slot (allocSlot, cleared) and sets its state, operation, CPU,
 * context kind and per-CPU buffer; its pc, buffer index and registers start at zero. Returns the
 * slot, or -1 when all MAX_SLOTS are in use. Every context starts here (Simulation's spawn, the
 * stepped GET_READER and the stepped write).
 */
export function claimSlot(ring: Ring, setup: ContextSetup): number {
	const k = allocSlot(ring);
	if (k < 0) return -1;
	const K = slotI(ring, k);
	const { i32 } = ring;
	i32[K + K_STATE] = setup.state;
	i32[K + K_OP] = setup.op;
	i32[K + K_CPU] = setup.cpu;
	i32[K + K_CTX] = setup.ctx;
	i32[K + K_STRUCT] = setup.struct;
	return k;
}
