/**
 * The context scheduler: takes one atomic step of a context (its operation's step machine, one
 * record of WRITER_STEPS, READER_STEPS or SWAP_STEPS), keeps each CPU's nesting stack, runs a
 * context to its end, and turns a finished one into its operation's result.
 */
import {
	CTX_NAMES,
	freeSlot,
	K_CPU,
	K_CTX,
	K_DEPTH,
	K_ERRNO,
	K_OP,
	K_PC,
	K_STATE,
	OP_SWAP_CPU,
	OP_WRITE,
	SLOT_DONE,
	SLOT_READY,
	SLOT_RUNNING,
	slotI,
	STEP_LIMIT
} from '../context';
import { refuse } from '../errors';
import { READER_STEPS, RD_DONE, stepReader } from '../reader';
import { stepSwap, SW_DONE, SWAP_STEPS } from '../snapshot';
import { stepWriter, W_DONE, WRITER_STEPS } from '../writer';
import type { ContextInfo, OpResult, SimCore, StepRecord } from './core';
import { checkCanRun, isCpuLocal, stackDepth, whyBlocked } from './nesting';
import { opResult } from './results';

/** The slot of the unfinished context `name`; refuses an unknown or finished one. */
export function lookup(core: SimCore, name: string): number {
	const k = core.names.get(name);
	if (k === undefined) refuse('EINVAL', `no context named "${name}"`);
	if (core.ring.i32[slotI(core.ring, k) + K_STATE] === SLOT_DONE)
		refuse('EINVAL', `context "${name}" has finished`);
	return k;
}

/** A step machine: its step function, its table of [label, kernel] by pc, its end pc. */
interface Machine {
	step: (x: SimCore['x'], k: number) => number;
	table: readonly (readonly [string, string])[];
	donePc: number;
}
const WRITER: Machine = { step: stepWriter, table: WRITER_STEPS, donePc: W_DONE };
const SWAPPER: Machine = { step: stepSwap, table: SWAP_STEPS, donePc: SW_DONE };
const READER: Machine = { step: stepReader, table: READER_STEPS, donePc: RD_DONE };

/** The step machine that runs operation `op`. */
function machineOf(op: number): Machine {
	return op === OP_WRITE ? WRITER : op === OP_SWAP_CPU ? SWAPPER : READER;
}

/** Takes one atomic step of slot k. Returns the step record, and whether the op is done. */
function stepSlot(core: SimCore, k: number): { rec: StepRecord; done: boolean } {
	const { ring } = core;
	const K = slotI(ring, k);
	if (ring.i32[K + K_STATE] === SLOT_READY) {
		ring.i32[K + K_STATE] = SLOT_RUNNING;
		if (isCpuLocal(ring, ring.i32[K + K_CTX]!))
			ring.i32[K + K_DEPTH] = stackDepth(ring, ring.i32[K + K_CPU]!) + 1;
	}
	const { step, table, donePc } = machineOf(ring.i32[K + K_OP]!);
	const pc = step(core.x, k);
	const info = core.slots[k]!;
	if (ring.i32[K + K_ERRNO] && info.failNote === undefined) info.failNote = core.x.note;
	const [label, kernel] = table[pc]!;
	const done = ring.i32[K + K_PC] === donePc;
	if (done) {
		ring.i32[K + K_STATE] = SLOT_DONE;
		ring.i32[K + K_DEPTH] = 0;
	}
	return { rec: { ctx: info.name, label, kernel, note: core.x.note }, done };
}

/** `n` steps of the context `name` (fewer when it ends first): their records, and its result. */
export function stepContext(core: SimCore, name: string, n: number): OpResult {
	const k = lookup(core, name);
	checkCanRun(core, k, false);
	const steps: StepRecord[] = [];
	for (let i = 0; i < n; i++) {
		const { rec, done } = stepSlot(core, k);
		steps.push(rec);
		core.onStep?.(rec);
		if (done) return { steps, done: true, result: finishSlot(core, k) };
	}
	return { steps, done: false };
}

/** Steps slot k to its end (at most STEP_LIMIT steps) and returns its operation's result. */
export function runToEnd(core: SimCore, k: number): OpResult {
	for (let i = 0; i < STEP_LIMIT; i++) {
		const { rec, done } = stepSlot(core, k);
		if (core.onStep) core.onStep(rec);
		if (done) return finishSlot(core, k);
	}
	core.warnings.push({ message: 'context did not finish within the step limit' });
	return { ok: false };
}

/** The op's result once its context is done; frees the slot. */
function finishSlot(core: SimCore, k: number): OpResult {
	const info = core.slots[k]!;
	const res = opResult(core.ring, k, info);
	freeSlot(core.ring, k);
	core.slots[k] = undefined;
	if (info.name) core.names.delete(info.name);
	return res;
}

/** The names of the contexts spawned and not yet finished, with their slot's progress. */
export function contextsOf(core: SimCore): ContextInfo[] {
	const out: ContextInfo[] = [];
	const { i32 } = core.ring;
	for (const [name, k] of core.names) {
		const K = slotI(core.ring, k);
		out.push({
			name,
			ctx: CTX_NAMES[i32[K + K_CTX]!]!,
			cpu: i32[K + K_CPU]!,
			op: core.slots[k]!.step.op,
			pc: i32[K + K_PC]!,
			state: i32[K + K_STATE] === SLOT_READY ? 'ready' : 'running',
			depth: i32[K + K_DEPTH]!,
			blocked: whyBlocked(core, k)
		});
	}
	return out;
}
