/**
 * The reader's atomic steps by number: a context's pc (K_PC) is an index into READER_TABLE
 * (steps.ts), whose records sit in this order. Each id is the name of its constant; lessons/code.ts
 * keys its pseudo-code lines by it.
 */
import type { Exec } from '../writer';
import type { ConsumedEvent } from './event';
import { READER_STEP_NAMES } from './step-names';

export const READER_PCS = {
	RD_LOCK: 0,
	G_START: 1,
	G_AGAIN: 2,
	G_SPIN: 3,
	G_SET_HEAD: 4,
	G_REPLACE: 5,
	G_FIX: 6,
	G_OUT: 7,
	G_WAIT: 8,
	C_PEEK: 9,
	C_EVENT: 10,
	RP_PAGE: 11,
	RP_COPY: 12,
	RD_UNLOCK: 13,
	RD_DONE: 14,
	GR_CONSUME: 15,
	GR_SWAPPED: 16,
	GR_OUT: 17,
	GR_FLUSH: 18
} as const;

export type ReaderStepId = keyof typeof READER_PCS;

export const RD_LOCK = READER_PCS.RD_LOCK;
export const G_START = READER_PCS.G_START;
export const G_AGAIN = READER_PCS.G_AGAIN;
export const G_SPIN = READER_PCS.G_SPIN;
export const G_SET_HEAD = READER_PCS.G_SET_HEAD;
export const G_REPLACE = READER_PCS.G_REPLACE;
export const G_FIX = READER_PCS.G_FIX;
export const G_OUT = READER_PCS.G_OUT;
export const G_WAIT = READER_PCS.G_WAIT;
export const C_PEEK = READER_PCS.C_PEEK;
export const C_EVENT = READER_PCS.C_EVENT;
export const RP_PAGE = READER_PCS.RP_PAGE;
export const RP_COPY = READER_PCS.RP_COPY;
export const RD_UNLOCK = READER_PCS.RD_UNLOCK;
export const RD_DONE = READER_PCS.RD_DONE;
export const GR_CONSUME = READER_PCS.GR_CONSUME;
export const GR_SWAPPED = READER_PCS.GR_SWAPPED;
export const GR_OUT = READER_PCS.GR_OUT;
export const GR_FLUSH = READER_PCS.GR_FLUSH;

/** What the reader step machine is run with: the writer's Exec plus where results go. */
export interface ReaderExec extends Exec {
	emit(k: number, ev: ConsumedEvent): void;
	/** A whole sub-buffer handed out by ring_buffer_read_page. */
	emitPage(k: number, page: Uint8Array, missed: number): void;
}

/** Where a kernel function's warnings go: an Exec, or a fast path's { warn }. */
export type Warner = Pick<Exec, 'warn'>;

/** One atomic step of a reader: the pc's record in READER_TABLE. */
export interface ReaderStep {
	/** The pc's constant name, e.g. 'G_SPIN'. */
	readonly id: ReaderStepId;
	/** What the step does, in a few words (the step log's label). */
	readonly label: string;
	/** The kernel function it mirrors ('' for the end). */
	readonly kernel: string;
	/** Runs the step (writing x.note when verbose); returns the next pc. */
	readonly run: (x: ReaderExec, at: SlotAt) => number;
}

/** Where a step runs: slot k, its int32 and float64 indexes, the per-CPU buffer it reads. */
export interface SlotAt {
	readonly k: number;
	readonly K: number;
	readonly F: number;
	readonly s: number;
}

/** A step record: its names (step-names.ts) and the function that runs it. */
export function step(id: ReaderStepId, run: ReaderStep['run']): ReaderStep {
	return { ...READER_STEP_NAMES[READER_PCS[id]]!, run };
}
