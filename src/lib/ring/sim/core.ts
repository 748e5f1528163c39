/**
 * What every part of a Simulation shares: the ring, the host's bookkeeping of its contexts (names,
 * requests, payloads, what they collected), the user-space mappings, the warnings of the step
 * being applied, and the Exec the step machines run with.
 */
import type { RingConfig } from '../config';
import { R_PAYLOAD_LEN, R_SEQ, slotF, type CtxName } from '../context';
import type { Errno } from '../errors';
import type { Mapping } from '../mapping';
import type { ConsumedEvent, ReaderExec } from '../reader';
import type { Ring } from '../ring';
import type { SpawnableStep } from '../steps';

export interface Warning {
	message: string;
}

export interface StepRecord {
	ctx: string;
	label: string;
	kernel: string;
	note: string;
}

export interface StepResult {
	ok: boolean;
	errno?: Errno;
	message?: string;
	warnings: Warning[];
	[field: string]: unknown;
}

/** A spawned context that has not finished: what the page's lanes show. */
export interface ContextInfo {
	name: string;
	ctx: CtxName;
	cpu: number;
	op: SpawnableStep['op'];
	/** Its next atomic step: an index into WRITER_STEPS, READER_STEPS or SWAP_STEPS. */
	pc: number;
	state: 'ready' | 'running';
	/** Position on its CPU's nesting stack (0 while not on it). */
	depth: number;
	/** Why it cannot take its next step now (a writer nested on it must finish first), or null. */
	blocked: string | null;
}

/** The host's side of a context slot: what the state buffer does not hold. */
export interface SlotInfo {
	name: string;
	step: SpawnableStep;
	payload: Uint8Array | null;
	events: ConsumedEvent[];
	pages: { page: Uint8Array; missed: number }[];
	/** The step note at the moment the op failed: its plain-words reason. */
	failNote?: string;
}

/** An operation's result fields (ok, errno and warnings are added by Simulation.apply). */
export type OpResult = Record<string, unknown>;

export interface SimCore {
	ring: Ring;
	readonly config: RingConfig;
	/** By slot number: the contexts in flight. */
	readonly slots: (SlotInfo | undefined)[];
	/** Spawned contexts by name. */
	readonly names: Map<string, number>;
	/** User-space mappings (VMAs) by name. */
	readonly maps: Map<string, Mapping>;
	/** The warnings of the step being applied. */
	warnings: Warning[];
	readonly x: ReaderExec;
	/** Called with every atomic step taken while recording (the page's step log, the CLI). */
	onStep: ((s: StepRecord) => void) | null;
}

/** A core over `ring`: no contexts, no mappings. */
export function createCore(config: RingConfig, ring: Ring): SimCore {
	const core: SimCore = {
		ring,
		config,
		slots: [],
		names: new Map(),
		maps: new Map(),
		warnings: [],
		onStep: null,
		x: {
			ring,
			note: '',
			verbose: true,
			warn: (message) => core.warnings.push({ message }),
			payload: (k, dst, off) => dst.set(payloadOf(core, k), off),
			emit: (k, ev) => core.slots[k]!.events.push(ev),
			emitPage: (k, page, missed) => core.slots[k]!.pages.push({ page, missed })
		}
	};
	return core;
}

/** The payload of the write in slot k: given, or generated from its size and sequence number. */
function payloadOf(core: SimCore, k: number): Uint8Array {
	const given = core.slots[k]!.payload;
	if (given) return given;
	const F = slotF(core.ring, k);
	return generatedPayload(core.ring.f64[F + R_PAYLOAD_LEN]!, core.ring.f64[F + R_SEQ]!);
}

/** The ring is replaced (a resize, an order change, a restore): the step machines follow it. */
export function setRing(core: SimCore, ring: Ring): void {
	core.ring = ring;
	core.x.ring = ring;
}

/**
 * The payload of a write given by size: the CPU's sequence number (little-endian u32, truncated to
 * the size) then the letters a..z repeated, so every event can be told apart and checked.
 */
export function generatedPayload(len: number, seq: number): Uint8Array {
	const out = new Uint8Array(len);
	for (let i = 0; i < len; i++) out[i] = i < 4 ? (seq >>> (8 * i)) & 0xff : 0x61 + ((i - 4) % 26);
	return out;
}
