/**
 * The rules contexts run by: writers (and the snapshot swap since its fix) nest like a stack on
 * the CPU they act on, an interrupting context finishes before the one it interrupted resumes,
 * and a lower level cannot interrupt a higher one; an operation that would wait in the kernel for
 * a context in flight (reader_lock held by a paused reader, a CPU with a context on it) is refused
 * with EBUSY instead of spinning forever.
 */
import {
	CTX_NAMES,
	CTX_READER,
	CTX_SWAP,
	K_CPU,
	K_CTX,
	K_DEPTH,
	K_OP,
	K_PC,
	K_STATE,
	K_STRUCT,
	OP_SWAP_CPU,
	SLOT_READY,
	SLOT_RUNNING,
	slotI
} from '../context';
import { refuse } from '../errors';
import { H_HISTORY, HISTORY_SWAP_REMOTE, MAX_SLOTS, S_READER_LOCK } from '../layout';
import { structI, type Ring } from '../ring';
import type { SimCore } from './core';

/** Nesting levels: task < irq < nmi. */
export const CTX_RANK: Record<string, number> = { task: 0, irq: 1, nmi: 2 };

/**
 * Contexts that run on the CPU they act on and nest like a stack there: writers, and the
 * snapshot swap since the fix (an IPI on the target CPU). Readers, user space and the swap of
 * "swap-from-remote-cpu" run on another CPU.
 */
export function isCpuLocal(ring: Ring, ctx: number): boolean {
	if (ctx < CTX_READER) return true;
	return ctx === CTX_SWAP && !(ring.i32[H_HISTORY]! & HISTORY_SWAP_REMOTE);
}

function rankOf(ctx: number): number {
	return ctx === CTX_SWAP ? CTX_RANK.irq! : ctx;
}

/** The name of the context holding reader_lock of struct s (its slot number + 1 in the word). */
function lockHolder(core: SimCore, s: number): string | undefined | null {
	const holder = core.ring.i32[structI(core.ring, s) + S_READER_LOCK]!;
	return holder ? core.slots[holder - 1]?.name : null;
}

/** Refuses (EBUSY) what would wait for reader_lock of struct s, held by a paused context. */
export function refuseIfReaderLocked(core: SimCore, s: number, what: string): void {
	const name = lockHolder(core, s);
	if (name !== null)
		refuse(
			'EBUSY',
			`reader_lock is held by the paused context "${name}": ${what} waits for it`
		);
}

/** The slot on top of `cpu`'s nesting stack, or -1. */
function topOfStack(ring: Ring, cpu: number): number {
	let top = -1;
	let topDepth = 0;
	for (let k = 0; k < MAX_SLOTS; k++) {
		const K = slotI(ring, k);
		if (ring.i32[K + K_STATE] !== SLOT_RUNNING || ring.i32[K + K_CPU] !== cpu) continue;
		if (!isCpuLocal(ring, ring.i32[K + K_CTX]!)) continue;
		if (ring.i32[K + K_DEPTH]! > topDepth) {
			topDepth = ring.i32[K + K_DEPTH]!;
			top = k;
		}
	}
	return top;
}

/**
 * Writers on one CPU nest like a stack: why a step of `self` (-1: a new context) at `rank` would
 * break it, or null. Plain words, so the scheduler's lanes can ask without a refusal thrown.
 */
function nestingBlock(core: SimCore, cpu: number, rank: number, self: number): string | null {
	const { ring } = core;
	const top = topOfStack(ring, cpu);
	if (top < 0 || top === self) return null;
	const topName = core.slots[top]?.name || 'a writer';
	const topCtx = ring.i32[slotI(ring, top) + K_CTX]!;
	if (self >= 0 && ring.i32[slotI(ring, self) + K_STATE] === SLOT_RUNNING)
		return `"${core.slots[self]!.name}" was interrupted by "${topName}" (${CTX_NAMES[topCtx]}), which must finish first`;
	if (rank <= rankOf(topCtx))
		return `a ${rank === 1 ? 'interrupt-level' : CTX_NAMES[rank]} context cannot interrupt "${topName}" (${CTX_NAMES[topCtx]}) on CPU ${cpu}`;
	return null;
}

/** Writers on one CPU nest like a stack: refuses (EINVAL) a step that would break it. */
export function checkNesting(core: SimCore, cpu: number, rank: number, self: number): void {
	const why = nestingBlock(core, cpu, rank, self);
	if (why !== null) refuse('EINVAL', why);
}

/** Refuses a step that breaks nesting on a CPU, or a finish that could only spin forever. */
export function checkCanRun(core: SimCore, k: number, finishing: boolean): void {
	const { ring } = core;
	const K = slotI(ring, k);
	const ctx = ring.i32[K + K_CTX]!;
	if (isCpuLocal(ring, ctx)) checkNesting(core, ring.i32[K + K_CPU]!, rankOf(ctx), k);
	else if (finishing && ring.i32[K + K_PC] === 0 && ring.i32[K + K_OP] !== OP_SWAP_CPU) {
		const s = ring.i32[K + K_STRUCT]!;
		const holder = ring.i32[structI(ring, s) + S_READER_LOCK]!;
		if (holder && holder !== k + 1)
			refuse('EBUSY', `reader_lock is held by the paused context "${lockHolder(core, s)}"`);
	}
}

/** Why context slot k cannot take its next step now (the nesting rule), or null. */
export function whyBlocked(core: SimCore, k: number): string | null {
	const { ring } = core;
	const K = slotI(ring, k);
	const ctx = ring.i32[K + K_CTX]!;
	return isCpuLocal(ring, ctx) ? nestingBlock(core, ring.i32[K + K_CPU]!, rankOf(ctx), k) : null;
}

/** The depth of `cpu`'s nesting stack: where a context starting there goes. */
export function stackDepth(ring: Ring, cpu: number): number {
	let d = 0;
	for (let k = 0; k < MAX_SLOTS; k++) {
		const K = slotI(ring, k);
		if (ring.i32[K + K_STATE] === SLOT_RUNNING && ring.i32[K + K_CPU] === cpu)
			d = Math.max(d, ring.i32[K + K_DEPTH]!);
	}
	return d;
}

function anyContextOn(ring: Ring, cpu: number): boolean {
	for (let k = 0; k < MAX_SLOTS; k++) {
		const K = slotI(ring, k);
		const st = ring.i32[K + K_STATE]!;
		if ((st === SLOT_RUNNING || st === SLOT_READY) && ring.i32[K + K_CPU] === cpu) return true;
	}
	return false;
}

/** Refuses (EBUSY) what the kernel would make wait for a context in flight on `cpu`. */
export function refuseIfBusy(core: SimCore, cpu: number, what: string): void {
	if (anyContextOn(core.ring, cpu))
		refuse(
			'EBUSY',
			`a context is in flight on CPU ${cpu}: ${what} waits for it in the kernel; finish it first`
		);
}
