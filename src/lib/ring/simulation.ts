/**
 * The host of the engine: applies scenario steps to a ring, owns the concurrent contexts and the
 * rule that writers on one CPU nest like a stack, collects warnings, and turns refusals into
 * results with the kernel's errno. Plain operations run as a context that is stepped to its end at
 * once; `spawn`/`step`/`finish` let a schedule interleave contexts one atomic step at a time. A run
 * is fully determined by (config, steps), so it replays exactly.
 */
import { allocateStructs, resetCpu, resizeStructs, setSubbufOrder, setTracing } from './admin';
import { clockNow, setClock } from './clock';
import { validateConfig, type ConfigInput, type RingConfig } from './config';
import {
	allocSlot,
	CTX_NAMES,
	CTX_READER,
	CTX_SWAP,
	freeSlot,
	K_BUFFER,
	K_CPU,
	K_CTX,
	K_DEPTH,
	K_ERRNO,
	K_OP,
	K_PC,
	K_STATE,
	K_STRUCT,
	OP_CONSUME,
	OP_GET_READER,
	OP_SWAP_CPU,
	OP_READ_PAGE,
	OP_WRITE,
	R_AT,
	R_COUNT,
	R_DELTA_NS,
	R_LENGTH,
	R_PAYLOAD_LEN,
	R_RET,
	R_SEQ,
	R_TS,
	SLOT_DONE,
	SLOT_READY,
	SLOT_RUNNING,
	slotF,
	slotI,
	type CtxName
} from './context';
import { FormatError, Refusal, refuse, type Errno } from './errors';
import {
	H_FAULT_AFTER,
	H_FAULT_ALLOCS,
	H_HISTORY,
	H_REC_DISABLED,
	H_SNAPSHOT_ALLOCATED,
	H_SNAPSHOT_REFS,
	H_TR_MAPPED,
	HISTORY_SWAP_REMOTE,
	MAX_SLOTS,
	S_MAPPED,
	S_NR_PAGES,
	S_READER_LOCK,
	S_RESIZE_DISABLED,
	layoutOf,
	type Layout
} from './layout';
import { mapBuffer, mappedBytes, pgoffsOf, unmapBuffer, type Mapping } from './mapping';
import { parseMeta } from './meta-page';
import { readThroughMapping } from './user-space';
import { ERR_EAGAIN, stepSwap, SW_DONE, SWAP_STEPS } from './snapshot';
import { describeRing, type RingState } from './describe';
import { hex } from './format';
import {
	pageEvents,
	READER_STEPS,
	RD_DONE,
	stepReader,
	type ConsumedEvent,
	type ReaderExec
} from './reader';
import { createRing, structI, structOf, wrapRing, type Ring } from './ring';
import {
	validateStep,
	type GetReaderStep,
	type MapStep,
	type SnapshotStep,
	type SpawnableStep,
	type Step
} from './steps';
import { stepWriter, W_DONE, WRITE_FAIL_MESSAGES, WRITER_STEPS } from './writer';
import { MAX_SUBBUFS_PER_CPU } from './config';
import { MAX_SUBBUF_ORDER, META_STRUCT_LEN, PAGE_SIZE } from './constants';

export interface Warning {
	message: string;
}

export interface StepRecord {
	ctx: string;
	label: string;
	kernel: string;
	note: string;
}

/** An immutable copy of everything a Simulation needs to go on from one moment (see checkpoint). */
export interface Checkpoint {
	readonly bytes: Uint8Array;
	readonly slots: readonly (Readonly<SlotInfo> | undefined)[];
	readonly names: readonly (readonly [string, number])[];
	readonly maps: readonly (readonly [string, Mapping])[];
	readonly note: string;
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

export interface StepResult {
	ok: boolean;
	errno?: Errno;
	message?: string;
	warnings: Warning[];
	[field: string]: unknown;
}

export interface SlotInfo {
	name: string;
	step: SpawnableStep;
	payload: Uint8Array | null;
	events: ConsumedEvent[];
	pages: { page: Uint8Array; missed: number }[];
	/** The step note at the moment the op failed: its plain-words reason. */
	failNote?: string;
}

const ERRNO_BY_CODE: Record<number, Errno> = { 1: 'EBUSY', 2: 'EINVAL' };
const SWAP_ERRNO: Record<number, Errno> = { 1: 'EBUSY', 2: 'EINVAL', [ERR_EAGAIN]: 'EAGAIN' };
const CTX_RANK: Record<string, number> = { task: 0, irq: 1, nmi: 2 };
const FINISH_LIMIT = 50_000_000;

export class Simulation {
	ring: Ring;
	readonly config: RingConfig;
	private readonly slots: (SlotInfo | undefined)[] = [];
	private readonly names = new Map<string, number>();
	/** User-space mappings (VMAs) by name. */
	readonly maps = new Map<string, Mapping>();
	private warnings: Warning[] = [];
	private readonly x: ReaderExec;
	/** Called with every atomic step taken while recording (the page's step log, the CLI). */
	onStep: ((s: StepRecord) => void) | null = null;

	constructor(config?: ConfigInput | RingConfig, shared = false) {
		this.config = validateConfig(config ?? {});
		this.ring = createRing(this.config, shared);
		this.x = {
			ring: this.ring,
			note: '',
			verbose: true,
			warn: (message) => this.warnings.push({ message }),
			payload: (k, dst, off) => {
				const info = this.slots[k]!;
				const F = slotF(this.ring, k);
				dst.set(
					info.payload ??
						generatedPayload(
							this.ring.f64[F + R_PAYLOAD_LEN]!,
							this.ring.f64[F + R_SEQ]!
						),
					off
				);
			},
			emit: (k, ev) => this.slots[k]!.events.push(ev),
			emitPage: (k, page, missed) => this.slots[k]!.pages.push({ page, missed })
		};
	}

	/** Applies one step; never throws for bad input: a malformed step is an EINVAL result. */
	apply(raw: unknown): StepResult {
		this.warnings = [];
		let step: Step;
		try {
			step = validateStep(raw, '$', this.config);
		} catch (e) {
			if (e instanceof FormatError) return this.refused('EINVAL', e.message);
			throw e;
		}
		try {
			const res = this.dispatch(step);
			return { ok: true, ...res, warnings: this.warnings };
		} catch (e) {
			if (e instanceof Refusal) return this.refused(e.errno, e.message);
			throw e;
		}
	}

	/** The whole visible state: per CPU the ring, pointers, pages and counters. */
	state(): RingState {
		return describeRing(this.ring);
	}

	private refused(errno: Errno, message: string): StepResult {
		return { ok: false, errno, message, warnings: this.warnings };
	}

	private setRing(ring: Ring): void {
		this.ring = ring;
		this.x.ring = ring;
	}

	private dispatch(step: Step): Record<string, unknown> {
		switch (step.op) {
			case 'write': {
				// Each write of a repeat is independent: a dropped one does not stop the others.
				const n = step.repeat ?? 1;
				let last: Record<string, unknown> = {};
				let failure: Record<string, unknown> | null = null;
				let written = 0;
				for (let i = 0; i < n; i++) {
					last = this.runToEnd(this.spawnSlot(step, step.ctx ?? 'task', ''));
					if (last.ok === false) failure = last;
					else written++;
				}
				const res = failure
					? { ...last, ok: false, errno: failure.errno, message: failure.message }
					: last;
				return n > 1 ? { ...res, written, dropped: n - written } : res;
			}
			case 'consume':
			case 'readPage':
				return this.runToEnd(this.spawnSlot(step, 'reader', ''));
			case 'clock': {
				const now = clockNow(this.ring);
				const target = step.setNs ?? now + step.advanceNs!;
				if (target < now)
					refuse(
						'EINVAL',
						`the trace clock cannot go backwards (now ${now}, asked ${target})`
					);
				setClock(this.ring, target);
				return { now: target };
			}
			case 'tracing':
				setTracing(this.ring, step.on);
				return {};
			case 'reset': {
				const s = structOf(this.ring, 0, step.cpu);
				this.refuseIfBusy(step.cpu, 'reset');
				resetCpu(this.ring, s);
				return {};
			}
			case 'resize':
				return this.resize(step.cpu, step.subbufs);
			case 'subbufOrder':
				return this.subbufOrder(step.order);
			case 'spawn': {
				if (this.names.has(step.as))
					refuse('EINVAL', `a context named "${step.as}" already exists`);
				this.spawnSlot(step.do, step.ctx, step.as);
				return { ctx: step.as };
			}
			case 'step':
				return this.stepCtx(step.ctx, step.n ?? 1);
			case 'finish': {
				const k = this.lookup(step.ctx);
				this.checkCanRun(k, true);
				return this.runToEnd(k);
			}
			case 'map':
				return this.map(step);
			case 'unmap': {
				const m = this.mapping(step.map);
				unmapBuffer(this.ring, m.struct);
				this.maps.delete(step.map);
				return {};
			}
			case 'getReader': {
				const s = structOf(this.ring, 0, step.cpu);
				if (!this.ring.i32[structI(this.ring, s) + S_MAPPED])
					refuse(
						'ENODEV',
						`CPU ${step.cpu}'s buffer is not mapped: GET_READER needs a mapping`
					);
				return this.runToEnd(this.spawnSlot(step, 'user', ''));
			}
			case 'readMeta': {
				const m = this.mapping(step.map);
				if (m.pgoff !== 0)
					refuse('EINVAL', `mapping "${m.name}" does not cover the meta page (pgoff 0)`);
				// paddingNonZero (ringlab): non-zero 32-bit words after the struct, up to the
				// mapping's end or meta_page_size (map_test checks they all read 0).
				const meta = parseMeta(mappedBytes(this.ring, m, 0, META_STRUCT_LEN)!);
				const end = Math.min(m.pages.length * PAGE_SIZE, meta.meta_page_size);
				let paddingNonZero = 0;
				for (let off = META_STRUCT_LEN; off < end; off += 4) {
					const w = mappedBytes(this.ring, m, off, 4)!;
					if (w[0] || w[1] || w[2] || w[3]) paddingNonZero++;
				}
				return { ...meta, paddingNonZero };
			}
			case 'readMapped':
				return readThroughMapping(this.ring, this.mapping(step.map), [
					...this.maps.values()
				]);
			case 'fault':
				this.ring.i32[H_FAULT_ALLOCS] = step.alloc;
				this.ring.i32[H_FAULT_AFTER] = step.after ?? 0;
				return {};
			case 'snapshotArm':
				return this.snapshotArm();
			case 'snapshotFree':
				return this.snapshotFree();
			case 'snapshot':
				return this.snapshot(step.cpu);
		}
	}

	// ---- user-space mappings and snapshots ------------------------------------------------------

	private mapping(name: string): Mapping {
		const m = this.maps.get(name);
		if (!m) refuse('EINVAL', `no mapping named "${name}"`);
		return m;
	}

	private map(step: MapStep): Record<string, unknown> {
		if (this.maps.has(step.as)) refuse('EINVAL', `a mapping named "${step.as}" already exists`);
		const s = structOf(this.ring, 0, step.cpu);
		const req = {
			offset: step.offset ?? 0,
			length: step.length ?? this.ring.L.metaPageSize,
			prot: step.prot ?? 'r',
			flags: step.flags ?? 'shared',
			open: step.open ?? 'r'
		};
		this.refuseIfReaderLocked(s, 'mapping');
		const { pages } = mapBuffer(this.ring, s, req, (message) => this.x.warn(message));
		const m: Mapping = {
			name: step.as,
			cpu: step.cpu,
			struct: s,
			pgoff: req.offset / PAGE_SIZE,
			pages
		};
		this.maps.set(step.as, m);
		return { pgoffs: pgoffsOf(m) };
	}

	private refuseIfReaderLocked(s: number, what: string): void {
		const holder = this.ring.i32[structI(this.ring, s) + S_READER_LOCK]!;
		if (holder)
			refuse(
				'EBUSY',
				`reader_lock is held by the paused context "${this.slots[holder - 1]?.name}": ${what} waits for it`
			);
	}

	/** True when struct s exists in the snapshot buffer for every CPU and has pages. */
	private snapshotAllocated(): boolean {
		return this.ring.i32[H_SNAPSHOT_ALLOCATED] === 1;
	}

	/** Gives the snapshot buffer the live buffer's size on every CPU (tracing_alloc_snapshot_instance). */
	private allocateSnapshot(): void {
		const { ring } = this;
		const structs: number[] = [];
		const sizes: number[] = [];
		for (let c = 0; c < ring.L.cpus; c++) {
			structs.push(structOf(ring, 1, c));
			sizes.push(ring.i32[structI(ring, structOf(ring, 0, c)) + S_NR_PAGES]!);
		}
		this.setRing(allocateStructs(ring, structs, sizes));
		this.ring.i32[H_SNAPSHOT_ALLOCATED] = 1;
	}

	private snapshotArm(): Record<string, unknown> {
		if (this.ring.i32[H_TR_MAPPED])
			refuse(
				'EBUSY',
				'the buffer is memory-mapped: a snapshot cannot be armed (tracing_arm_snapshot)'
			);
		if (!this.snapshotAllocated()) this.allocateSnapshot();
		this.ring.i32[H_SNAPSHOT_REFS] = this.ring.i32[H_SNAPSHOT_REFS]! + 1;
		return {};
	}

	private snapshotFree(): Record<string, unknown> {
		const { ring } = this;
		for (let c = 0; c < ring.L.cpus; c++) this.refuseIfBusy(c, 'freeing the snapshot buffer');
		ring.i32[H_SNAPSHOT_REFS] = 0;
		if (!this.snapshotAllocated()) return {};
		// free_snapshot shrinks the max buffer to its minimum (ring_buffer_resize(..., 1) -> 2 pages)
		const structs = [...Array(ring.L.cpus).keys()].map((c) => structOf(ring, 1, c));
		this.setRing(resizeStructs(ring, structs, 2));
		this.ring.i32[H_SNAPSHOT_ALLOCATED] = 0;
		return {};
	}

	private snapshot(cpu: number): Record<string, unknown> {
		const { ring } = this;
		if (ring.i32[H_TR_MAPPED])
			refuse('EBUSY', 'the buffer is memory-mapped: no snapshot while mapped');
		if (!this.snapshotAllocated())
			refuse('EINVAL', 'there is no snapshot buffer: set config.snapshot or arm one first');
		return this.runToEnd(this.spawnSlot({ op: 'snapshot', cpu }, 'swap', ''));
	}

	// ---- contexts -------------------------------------------------------------------------------

	private spawnSlot(step: SpawnableStep, ctx: CtxName, name: string): number {
		const { ring } = this;
		if (step.op === 'getReader' || step.op === 'snapshot')
			return this.spawnOther(step, ctx, name);
		const writer = step.op === 'write';
		if (writer && step.size === undefined && step.payload === undefined)
			refuse('EINVAL', 'a write needs a payload or a size');
		const len = writer
			? step.payload !== undefined
				? step.payload.length / 2
				: step.size!
			: 0;
		if (writer && len > ring.L.capacity - 8)
			refuse(
				'EINVAL',
				`the event (${len} bytes) is larger than a sub-buffer holds (${ring.L.capacity - 8} bytes)`
			);
		if (writer && step.at !== undefined && step.at < clockNow(ring))
			refuse(
				'EINVAL',
				`"at" ${step.at} is before the trace clock (${clockNow(ring)}): the clock cannot go backwards`
			);
		if (!writer) {
			const s = structOf(ring, 0, step.cpu);
			const holder = ring.i32[structI(ring, s) + S_READER_LOCK]!;
			if (holder && !name)
				refuse(
					'EBUSY',
					`reader_lock of CPU ${step.cpu} is held by the paused context "${this.slots[holder - 1]?.name}"`
				);
		}
		if (!name && writer) this.checkNesting(step.cpu, CTX_RANK[ctx]!, -1);
		const k = allocSlot(ring);
		if (k < 0) refuse('EBUSY', `all ${MAX_SLOTS} context slots are in use`);
		const K = slotI(ring, k);
		const F = slotF(ring, k);
		const { i32, f64 } = ring;
		i32[K + K_STATE] = SLOT_READY;
		i32[K + K_OP] = writer ? OP_WRITE : step.op === 'consume' ? OP_CONSUME : OP_READ_PAGE;
		i32[K + K_CPU] = step.cpu;
		i32[K + K_CTX] = CTX_NAMES.indexOf(ctx);
		i32[K + K_PC] = 0;
		i32[K + K_BUFFER] = 0;
		i32[K + K_STRUCT] = structOf(ring, 0, step.cpu);
		let payload: Uint8Array | null = null;
		if (writer) {
			f64[F + R_PAYLOAD_LEN] = len;
			f64[F + R_AT] = step.at ?? -1;
			f64[F + R_DELTA_NS] = step.deltaNs ?? -1;
			payload = step.payload !== undefined ? hexBytes(step.payload) : null;
		} else {
			f64[F + R_COUNT] = step.op === 'consume' ? (step.count ?? -1) : -1;
		}
		this.slots[k] = { name, step, payload, events: [], pages: [] };
		if (name) this.names.set(name, k);
		return k;
	}

	/** Spawns a GET_READER (user space) or a snapshot swap context. */
	private spawnOther(step: GetReaderStep | SnapshotStep, ctx: CtxName, name: string): number {
		const { ring } = this;
		if (!name && this.isCpuLocal(CTX_NAMES.indexOf(ctx)))
			this.checkNesting(step.cpu, CTX_RANK.irq!, -1);
		if (
			step.op === 'getReader' &&
			!ring.i32[structI(ring, structOf(ring, 0, step.cpu)) + S_MAPPED]
		)
			refuse('ENODEV', `CPU ${step.cpu}'s buffer is not mapped: GET_READER needs a mapping`);
		// A plain GET_READER run to its end would spin forever on a lock a paused context holds.
		if (step.op === 'getReader' && !name)
			this.refuseIfReaderLocked(structOf(ring, 0, step.cpu), 'GET_READER');
		const k = allocSlot(ring);
		if (k < 0) refuse('EBUSY', `all ${MAX_SLOTS} context slots are in use`);
		const K = slotI(ring, k);
		ring.i32[K + K_STATE] = SLOT_READY;
		ring.i32[K + K_OP] = step.op === 'getReader' ? OP_GET_READER : OP_SWAP_CPU;
		ring.i32[K + K_CPU] = step.cpu;
		ring.i32[K + K_CTX] = CTX_NAMES.indexOf(ctx);
		ring.i32[K + K_STRUCT] = structOf(ring, 0, step.cpu);
		this.slots[k] = { name, step, payload: null, events: [], pages: [] };
		if (name) this.names.set(name, k);
		return k;
	}

	/**
	 * Contexts that run on the CPU they act on and nest like a stack there: writers, and the
	 * snapshot swap since the fix (an IPI on the target CPU). Readers, user space and the swap of
	 * "swap-from-remote-cpu" run on another CPU.
	 */
	private isCpuLocal(ctx: number): boolean {
		if (ctx < CTX_READER) return true;
		return ctx === CTX_SWAP && !(this.ring.i32[H_HISTORY]! & HISTORY_SWAP_REMOTE);
	}

	private rankOf(ctx: number): number {
		return ctx === CTX_SWAP ? CTX_RANK.irq! : ctx;
	}

	private lookup(name: string): number {
		const k = this.names.get(name);
		if (k === undefined) refuse('EINVAL', `no context named "${name}"`);
		if (this.ring.i32[slotI(this.ring, k) + K_STATE] === SLOT_DONE)
			refuse('EINVAL', `context "${name}" has finished`);
		return k;
	}

	/** Writers on one CPU nest like a stack: refuses a step that would break it. */
	private checkNesting(cpu: number, rank: number, self: number): void {
		const { ring } = this;
		let top = -1;
		let topDepth = 0;
		for (let k = 0; k < MAX_SLOTS; k++) {
			const K = slotI(ring, k);
			if (ring.i32[K + K_STATE] !== SLOT_RUNNING || ring.i32[K + K_CPU] !== cpu) continue;
			if (!this.isCpuLocal(ring.i32[K + K_CTX]!)) continue;
			if (ring.i32[K + K_DEPTH]! > topDepth) {
				topDepth = ring.i32[K + K_DEPTH]!;
				top = k;
			}
		}
		if (top < 0 || top === self) return;
		const topName = this.slots[top]?.name || 'a writer';
		const topCtx = ring.i32[slotI(ring, top) + K_CTX]!;
		if (self >= 0 && ring.i32[slotI(ring, self) + K_STATE] === SLOT_RUNNING)
			refuse(
				'EINVAL',
				`"${this.slots[self]!.name}" was interrupted by "${topName}" (${CTX_NAMES[topCtx]}), which must finish first`
			);
		if (rank <= this.rankOf(topCtx))
			refuse(
				'EINVAL',
				`a ${rank === 1 ? 'interrupt-level' : CTX_NAMES[rank]} context cannot interrupt "${topName}" (${CTX_NAMES[topCtx]}) on CPU ${cpu}`
			);
	}

	/** Refuses a step that breaks nesting on a CPU, or a finish that could only spin forever. */
	private checkCanRun(k: number, finishing: boolean): void {
		const { ring } = this;
		const K = slotI(ring, k);
		const ctx = ring.i32[K + K_CTX]!;
		if (this.isCpuLocal(ctx)) this.checkNesting(ring.i32[K + K_CPU]!, this.rankOf(ctx), k);
		else if (finishing && ring.i32[K + K_PC] === 0 && ring.i32[K + K_OP] !== OP_SWAP_CPU) {
			const holder = ring.i32[structI(ring, ring.i32[K + K_STRUCT]!) + S_READER_LOCK]!;
			if (holder && holder !== k + 1)
				refuse(
					'EBUSY',
					`reader_lock is held by the paused context "${this.slots[holder - 1]?.name}"`
				);
		}
	}

	/** Takes one atomic step of slot k. Returns the step record, and whether the op is done. */
	private stepSlot(k: number): { rec: StepRecord; done: boolean } {
		const { ring } = this;
		const K = slotI(ring, k);
		if (ring.i32[K + K_STATE] === SLOT_READY) {
			ring.i32[K + K_STATE] = SLOT_RUNNING;
			if (this.isCpuLocal(ring.i32[K + K_CTX]!))
				ring.i32[K + K_DEPTH] = this.stackDepth(ring.i32[K + K_CPU]!) + 1;
		}
		const op = ring.i32[K + K_OP]!;
		let pc: number;
		let table: readonly (readonly [string, string])[];
		let donePc: number;
		if (op === OP_WRITE) {
			pc = stepWriter(this.x, k);
			table = WRITER_STEPS;
			donePc = W_DONE;
		} else if (op === OP_SWAP_CPU) {
			pc = stepSwap(this.x, k);
			table = SWAP_STEPS;
			donePc = SW_DONE;
		} else {
			pc = stepReader(this.x, k);
			table = READER_STEPS;
			donePc = RD_DONE;
		}
		const info = this.slots[k]!;
		if (ring.i32[K + K_ERRNO] && info.failNote === undefined) info.failNote = this.x.note;
		const [label, kernel] = table[pc]!;
		const done = ring.i32[K + K_PC] === donePc;
		if (done) {
			ring.i32[K + K_STATE] = SLOT_DONE;
			ring.i32[K + K_DEPTH] = 0;
		}
		return { rec: { ctx: info.name, label, kernel, note: this.x.note }, done };
	}

	private stackDepth(cpu: number): number {
		let d = 0;
		for (let k = 0; k < MAX_SLOTS; k++) {
			const K = slotI(this.ring, k);
			if (this.ring.i32[K + K_STATE] === SLOT_RUNNING && this.ring.i32[K + K_CPU] === cpu)
				d = Math.max(d, this.ring.i32[K + K_DEPTH]!);
		}
		return d;
	}

	private stepCtx(name: string, n: number): Record<string, unknown> {
		const k = this.lookup(name);
		this.checkCanRun(k, false);
		const steps: StepRecord[] = [];
		for (let i = 0; i < n; i++) {
			const { rec, done } = this.stepSlot(k);
			steps.push(rec);
			this.onStep?.(rec);
			if (done) return { steps, done: true, result: this.finishSlot(k) };
		}
		return { steps, done: false };
	}

	private runToEnd(k: number): Record<string, unknown> {
		for (let i = 0; i < FINISH_LIMIT; i++) {
			const { rec, done } = this.stepSlot(k);
			if (this.onStep) this.onStep(rec);
			if (done) return this.finishSlot(k);
		}
		this.warnings.push({ message: 'context did not finish within the step limit' });
		return { ok: false };
	}

	/** The op's result once its context is done; frees the slot. */
	private finishSlot(k: number): Record<string, unknown> {
		const { ring } = this;
		const K = slotI(ring, k);
		const F = slotF(ring, k);
		const info = this.slots[k]!;
		const errno = ring.i32[K + K_ERRNO]!;
		let res: Record<string, unknown>;
		if (ring.i32[K + K_OP] === OP_WRITE) {
			res = errno
				? {
						ok: false,
						errno: ERRNO_BY_CODE[errno],
						message: WRITE_FAIL_MESSAGES[ring.f64[F + R_RET]!]
					}
				: { ts: ring.f64[F + R_TS], len: ring.f64[F + R_LENGTH] };
		} else if (ring.i32[K + K_OP] === OP_SWAP_CPU || ring.i32[K + K_OP] === OP_GET_READER) {
			res = errno
				? {
						ok: false,
						errno: SWAP_ERRNO[errno],
						message: info.failNote ?? 'the swap failed'
					}
				: {};
		} else if (ring.i32[K + K_OP] === OP_CONSUME) res = { events: info.events };
		else {
			const p = info.pages[0];
			res = p
				? {
						page: hex(p.page, 0, p.page.length),
						events: pageEvents(p.page),
						missed: p.missed
					}
				: { page: null, events: [] };
		}
		freeSlot(ring, k);
		this.slots[k] = undefined;
		if (info.name) this.names.delete(info.name);
		return res;
	}

	private anyContextOn(cpu: number): boolean {
		for (let k = 0; k < MAX_SLOTS; k++) {
			const K = slotI(this.ring, k);
			const st = this.ring.i32[K + K_STATE]!;
			if ((st === SLOT_RUNNING || st === SLOT_READY) && this.ring.i32[K + K_CPU] === cpu)
				return true;
		}
		return false;
	}

	private refuseIfBusy(cpu: number, what: string): void {
		if (this.anyContextOn(cpu))
			refuse(
				'EBUSY',
				`a context is in flight on CPU ${cpu}: ${what} waits for it in the kernel; finish it first`
			);
	}

	// ---- whole-buffer operations ---------------------------------------------------------------

	private resize(cpu: number | 'all', subbufs: number): Record<string, unknown> {
		const { ring } = this;
		if (subbufs === 0)
			refuse(
				'EINVAL',
				'a buffer needs at least one sub-buffer (buffer_size_kb 0 is refused)'
			);
		const nr = Math.max(2, subbufs); // ring_buffer_resize: at least two pages
		if (nr > MAX_SUBBUFS_PER_CPU)
			refuse(
				'EINVAL',
				`ringlab simulates at most ${MAX_SUBBUFS_PER_CPU} sub-buffers per CPU`
			);
		const cpus = cpu === 'all' ? [...Array(ring.L.cpus).keys()] : [cpu];
		const structs: number[] = [];
		for (const c of cpus) {
			for (let b = 0; b < 2; b++) {
				const s = structOf(ring, b, c);
				if (ring.i32[structI(ring, s) + S_NR_PAGES] === 0) continue;
				if (cpu !== 'all' && ring.i32[structI(ring, s) + S_NR_PAGES] === nr) continue;
				if (ring.i32[structI(ring, s) + S_RESIZE_DISABLED]! > 0)
					refuse(
						'EBUSY',
						ring.i32[structI(ring, s) + S_MAPPED]
							? `CPU ${c}'s buffer is memory-mapped: it cannot be resized until unmapped`
							: `resizing CPU ${c}'s buffer is disabled (resize_disabled: Linux 6.10 leaves it raised after a failed first mmap)`
					);
				structs.push(s);
			}
			this.refuseIfBusy(c, 'a resize');
		}
		this.setRing(resizeStructs(ring, structs, nr));
		return { subbufs: nr };
	}

	private subbufOrder(order: number): Record<string, unknown> {
		const { ring } = this;
		if (order < 0 || order > MAX_SUBBUF_ORDER)
			refuse(
				'EINVAL',
				`sub-buffer order must be 0..${MAX_SUBBUF_ORDER} (4 KiB to 1 MiB sub-buffers)`
			);
		if (order === ring.L.order) return {};
		for (let s = 0; s < 2 * ring.L.cpus; s++)
			if (ring.i32[structI(ring, s) + S_MAPPED]! > 0)
				refuse(
					'EBUSY',
					'a CPU buffer is memory-mapped: the sub-buffer size cannot change until unmapped'
				);
		for (let c = 0; c < ring.L.cpus; c++) this.refuseIfBusy(c, 'a sub-buffer order change');
		this.setRing(setSubbufOrder(ring, order));
		return {};
	}

	// ---- time travel (additive: checkpoint/restore) ----------------------------------------------

	/**
	 * Everything the next step depends on, copied: the state bytes (whatever their layout) and the
	 * host's bookkeeping (in-flight contexts' names, requests, payloads, collected events and pages,
	 * mappings, the last step note). The result is frozen and never aliased by the simulation.
	 */
	checkpoint(): Checkpoint {
		const slots = this.slots.map((info) => (info ? cloneSlotInfo(info) : undefined));
		return Object.freeze({
			bytes: new Uint8Array(this.ring.buf.slice(0)),
			slots: Object.freeze(slots),
			names: Object.freeze([...this.names]),
			maps: Object.freeze([...this.maps].map(([n, m]) => [n, cloneMapping(m)] as const)),
			note: this.x.note
		});
	}

	/**
	 * Puts the simulation back exactly as it was at `cp`. The state bytes are copied into the same
	 * (Shared)ArrayBuffer when its size and layout match (a page holding a view keeps reading it);
	 * otherwise a new buffer of the same kind is made. Returns true when the buffer was replaced.
	 */
	restore(cp: Checkpoint): boolean {
		const cur = this.ring.buf;
		const L = layoutOf(cp.bytes.buffer);
		let moved = false;
		if (cur.byteLength === cp.bytes.byteLength && sameLayout(L, this.ring.L)) {
			this.ring.u8.set(cp.bytes);
		} else {
			const buf =
				cur instanceof ArrayBuffer
					? new ArrayBuffer(cp.bytes.byteLength)
					: new SharedArrayBuffer(cp.bytes.byteLength);
			new Uint8Array(buf).set(cp.bytes);
			this.setRing(wrapRing(buf));
			moved = true;
		}
		this.slots.length = 0;
		cp.slots.forEach((info, k) => {
			this.slots[k] = info ? cloneSlotInfo(info) : undefined;
		});
		this.names.clear();
		for (const [n, k] of cp.names) this.names.set(n, k);
		this.maps.clear();
		for (const [n, m] of cp.maps) this.maps.set(n, cloneMapping(m));
		this.x.note = cp.note;
		this.warnings = [];
		return moved;
	}

	/** The names of the contexts spawned and not yet finished, with their slot's progress. */
	contexts(): ContextInfo[] {
		const out: ContextInfo[] = [];
		for (const [name, k] of this.names) {
			const K = slotI(this.ring, k);
			const i32 = this.ring.i32;
			const info = this.slots[k]!;
			out.push({
				name,
				ctx: CTX_NAMES[i32[K + K_CTX]!]!,
				cpu: i32[K + K_CPU]!,
				op: info.step.op,
				pc: i32[K + K_PC]!,
				state: i32[K + K_STATE] === SLOT_READY ? 'ready' : 'running',
				depth: i32[K + K_DEPTH]!,
				blocked: this.whyBlocked(k)
			});
		}
		return out;
	}

	/** Why context slot k cannot take its next step now (the nesting rule), or null. */
	private whyBlocked(k: number): string | null {
		try {
			this.checkCanRun(k, false);
			return null;
		} catch (e) {
			if (e instanceof Refusal) return e.message;
			throw e;
		}
	}

	/** True while recording is on for the live buffer. */
	get tracingOn(): boolean {
		return this.ring.i32[H_REC_DISABLED] === 0;
	}
}

function cloneSlotInfo(info: Readonly<SlotInfo>): SlotInfo {
	const out: SlotInfo = {
		name: info.name,
		step: JSON.parse(JSON.stringify(info.step)) as SpawnableStep,
		payload: info.payload ? info.payload.slice() : null,
		events: info.events.map((e) => ({ ...e })),
		pages: info.pages.map((p) => ({ page: p.page.slice(), missed: p.missed }))
	};
	if (info.failNote !== undefined) out.failNote = info.failNote;
	return out;
}

function cloneMapping(m: Mapping): Mapping {
	return { ...m, pages: m.pages.map((p) => ({ ...p })) };
}

function sameLayout(a: Layout, b: Layout): boolean {
	if (a.totalBytes !== b.totalBytes || a.order !== b.order || a.cpus !== b.cpus) return false;
	if (a.metaPageSize !== b.metaPageSize) return false;
	return a.nrPages.every((n, i) => n === b.nrPages[i]);
}

function hexBytes(h: string): Uint8Array {
	const out = new Uint8Array(h.length / 2);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
	return out;
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
