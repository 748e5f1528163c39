/**
 * Starting a context: the checks a request must pass (the refusals with the kernel's errno),
 * then a slot claimed and set up (claimSlot) with the operation's registers, and the host's
 * bookkeeping (name, request, payload).
 */
import { clockNow } from '../clock';
import {
	claimSlot,
	CTX_NAMES,
	OP_CONSUME,
	OP_GET_READER,
	OP_READ_PAGE,
	OP_SWAP_CPU,
	OP_WRITE,
	R_AT,
	R_COUNT,
	R_DELTA_NS,
	R_PAYLOAD_LEN,
	SLOT_READY,
	slotF,
	type CtxName
} from '../context';
import { refuse } from '../errors';
import { MAX_SLOTS, S_MAPPED, S_READER_LOCK } from '../layout';
import { structI, structOf, type Ring } from '../ring';
import type { SpawnableStep } from '../steps';
import { fromHex } from '../format';
import type { SimCore } from './core';
import { checkNesting, CTX_RANK, isCpuLocal, refuseIfReaderLocked } from './nesting';

type WriteStep = Extract<SpawnableStep, { op: 'write' }>;

/** The payload length of a write; refuses one with neither payload nor size, or too large. */
function writeLength(ring: Ring, step: WriteStep): number {
	if (step.size === undefined && step.payload === undefined)
		refuse('EINVAL', 'a write needs a payload or a size');
	const len = step.payload !== undefined ? step.payload.length / 2 : step.size!;
	if (len > ring.L.capacity - 8)
		refuse(
			'EINVAL',
			`the event (${len} bytes) is larger than a sub-buffer holds (${ring.L.capacity - 8} bytes)`
		);
	if (step.at !== undefined && step.at < clockNow(ring))
		refuse(
			'EINVAL',
			`"at" ${step.at} is before the trace clock (${clockNow(ring)}): the clock cannot go backwards`
		);
	return len;
}

/** The refusals of a request before it gets a slot (`name` empty: it runs to its end at once). */
function checkSpawn(core: SimCore, step: SpawnableStep, ctx: CtxName, name: string): void {
	const { ring } = core;
	const s = structOf(ring, 0, step.cpu);
	if (step.op === 'consume' || step.op === 'readPage') {
		const holder = ring.i32[structI(ring, s) + S_READER_LOCK]!;
		if (holder && !name)
			refuse(
				'EBUSY',
				`reader_lock of CPU ${step.cpu} is held by the paused context "${core.slots[holder - 1]?.name}"`
			);
		return;
	}
	if (step.op === 'write') {
		if (!name) checkNesting(core, step.cpu, CTX_RANK[ctx]!, -1);
		return;
	}
	if (!name && isCpuLocal(ring, CTX_NAMES.indexOf(ctx)))
		checkNesting(core, step.cpu, CTX_RANK.irq!, -1);
	if (step.op === 'getReader' && !ring.i32[structI(ring, s) + S_MAPPED])
		refuse('ENODEV', `CPU ${step.cpu}'s buffer is not mapped: GET_READER needs a mapping`);
	// A plain GET_READER run to its end would spin forever on a lock a paused context holds.
	if (step.op === 'getReader' && !name) refuseIfReaderLocked(core, s, 'GET_READER');
}

const OP_CODES: Record<SpawnableStep['op'], number> = {
	write: OP_WRITE,
	consume: OP_CONSUME,
	readPage: OP_READ_PAGE,
	getReader: OP_GET_READER,
	snapshot: OP_SWAP_CPU
};

/** The registers an operation starts with. */
function setRegisters(ring: Ring, k: number, step: SpawnableStep, len: number): void {
	const F = slotF(ring, k);
	if (step.op === 'write') {
		ring.f64[F + R_PAYLOAD_LEN] = len;
		ring.f64[F + R_AT] = step.at ?? -1;
		ring.f64[F + R_DELTA_NS] = step.deltaNs ?? -1;
	} else if (step.op === 'consume' || step.op === 'readPage')
		ring.f64[F + R_COUNT] = step.op === 'consume' ? (step.count ?? -1) : -1;
}

/**
 * A new context for `step` at level `ctx`, named `name` ('' for an operation run to its end at
 * once). Refuses what the kernel refuses; returns its slot.
 */
export function spawn(core: SimCore, step: SpawnableStep, ctx: CtxName, name: string): number {
	const { ring } = core;
	const len = step.op === 'write' ? writeLength(ring, step) : 0;
	checkSpawn(core, step, ctx, name);
	const k = claimSlot(ring, {
		state: SLOT_READY,
		op: OP_CODES[step.op],
		cpu: step.cpu,
		ctx: CTX_NAMES.indexOf(ctx),
		struct: structOf(ring, 0, step.cpu)
	});
	if (k < 0) refuse('EBUSY', `all ${MAX_SLOTS} context slots are in use`);
	setRegisters(ring, k, step, len);
	const payload =
		step.op === 'write' && step.payload !== undefined ? fromHex(step.payload) : null;
	core.slots[k] = { name, step, payload, events: [], pages: [] };
	if (name) core.names.set(name, k);
	return k;
}
