/**
 * `ringlab kernel run`: replays a scenario on the live kernel in a private tracing instance and
 * records what the kernel produced: every sub-buffer read through per_cpu/cpuN/trace_pipe_raw,
 * the reader sub-buffer after every GET_READER (through a full read-only mapping the runner keeps
 * while the scenario maps a CPU, the "observer"), the meta page after every step while mapped, the
 * counters of per_cpu/cpuN/stats after every step, and the errno of every refused operation.
 * Writes go to trace_marker_raw from the helper, pinned to the step's CPU. How each op maps onto
 * tracefs is in docs/design.md ("The live kernel in the loop").
 */
import { openSync, closeSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { Scenario, Step } from '../lib/ring';
import { BUF_PAGE_HDR_SIZE, META_STRUCT_LEN, PAGE_SIZE } from '../lib/ring/constants';
import { parseMeta, type MetaFields } from '../lib/ring/meta-page';
import { parseSubbuf } from '../lib/ring/user-space';
import { buildHelper, Helper, isError } from './helper';
import {
	checkReplayable,
	hexOf,
	kbFor,
	KernelUnavailable,
	markerBytes,
	NotReplayable,
	parseStats,
	SLEEP_THRESHOLD_NS,
	type KernelRecord,
	type KernelStep,
	type KernelWrite
} from './record';
import { Instance, onlineCpus, sweepStale, unavailableReason } from './tracefs';
import { CapabilityRefused, probeKernel, refusedCapability } from './probe';

export * from './record';
export { CapabilityRefused } from './probe';

export interface RunHooks {
	/** Called before each scenario step (the safety test injects a failure here). */
	beforeStep?: (index: number) => void;
	/**
	 * Run even when the probe says the kernel refuses a capability the scenario needs: each
	 * refused step is recorded with its errno (to record how a refusing kernel diverges).
	 */
	ignoreRefusedCapabilities?: boolean;
}

/** Replays `scenario` on the live kernel. Throws KernelUnavailable / NotReplayable first. */
export async function runOnKernel(scenario: Scenario, hooks: RunHooks = {}): Promise<KernelRecord> {
	checkReplayable(scenario);
	const why = unavailableReason();
	if (why) throw new KernelUnavailable(why);
	const { config } = scenario;
	if (config.cpus > onlineCpus())
		throw new NotReplayable(
			'$.config.cpus',
			`the scenario needs ${config.cpus} CPUs, this machine has ${onlineCpus()}`
		);
	const probe = await probeKernel();
	const refused = refusedCapability(scenario, probe);
	if (refused && !hooks.ignoreRefusedCapabilities) throw new CapabilityRefused(refused);
	const bin = buildHelper();
	sweepStale();
	const inst = Instance.create();
	let helper: Helper | null = null;
	try {
		const failAt = process.env.RINGLAB_KERNEL_FAIL_AT;
		const run = new KernelRun(inst, config.cpus);
		run.configure(config.subbufOrder, config.subbufsPerCpu, config.overwrite);
		helper = await Helper.start(bin, inst.dir, (h) => (inst.beforeRemove = () => h.kill()));
		run.helper = helper;
		await run.openReaders();
		for (let i = 0; i < scenario.steps.length; i++) {
			hooks.beforeStep?.(i);
			if (failAt !== undefined && Number(failAt) === i)
				throw new Error(`RINGLAB_KERNEL_FAIL_AT=${i}: failure injected before step ${i}`);
			await run.step(i, scenario.steps[i]!);
		}
		await run.drain(scenario.steps.length);
		return {
			kernel: `Linux ${release()}`,
			scenario,
			cpus: config.cpus,
			subbufOrder: config.subbufOrder,
			nrPages: config.subbufsPerCpu,
			steps: run.steps
		};
	} finally {
		if (helper) await helper.stop();
		inst.removeSync();
	}
}

/** KiB of a sub-buffer of `order` (what buffer_subbuf_size_kb takes). */
function subbufKb(order: number): number {
	return (PAGE_SIZE / 1024) * 2 ** order;
}

/**
 * The state of one run: open files, mappings, the sub-buffer geometry. Its fields are read and
 * changed by the op handlers (REPLAY below); the class is not exported.
 */
class KernelRun {
	helper!: Helper;
	readonly steps: KernelStep[] = [];
	order = 0;
	private seq = 0;
	private pinned = -1;
	readonly maps = new Map<string, { cpu: number; key: string; pgoff: number; length: number }>();
	nextMap = 0;
	readonly observers = new Map<number, number>(); // cpu -> length

	constructor(
		readonly inst: Instance,
		readonly cpus: number
	) {}

	get subbufSize(): number {
		return PAGE_SIZE << this.order;
	}
	get data(): number {
		return this.subbufSize - BUF_PAGE_HDR_SIZE;
	}
	/** meta_page_size on 6.12+: one sub-buffer. */
	get metaPageSize(): number {
		return this.subbufSize;
	}

	/** Sets a setting of the instance (written only when it differs), or throws. */
	private must(rel: string, value: string): void {
		const e = this.inst.set(rel, value);
		if (e) throw new Error(`could not set ${rel} to ${value} in the instance: ${e}`);
	}

	configure(order: number, nrPages: number, overwrite: boolean): void {
		this.must('tracing_on', '0');
		this.must('buffer_subbuf_size_kb', String(subbufKb(order)));
		this.order = order;
		this.must('options/overwrite', overwrite ? '1' : '0');
		this.must('buffer_size_kb', String(kbFor(nrPages, this.data)));
		for (let c = 0; c < this.cpus; c++) this.checkSize(c, nrPages);
		// A fresh start: the resize above may have left nothing behind, but make sure.
		for (let c = 0; c < this.cpus; c++) this.resetCpu(c);
		this.must('tracing_on', '1');
	}

	/** Refuses the run when the kernel did not give exactly n sub-buffers. */
	checkSize(cpu: number, n: number): void {
		const kb = Number(this.inst.read(`per_cpu/cpu${cpu}/buffer_size_kb`).trim());
		const want = kbFor(Math.max(2, n), this.data);
		if (kb !== want)
			throw new Error(
				`the kernel gave CPU ${cpu} ${kb} KiB where ${Math.max(2, n)} sub-buffers of ${this.data} data bytes make ${want} KiB: refusing to compare a different ring`
			);
	}

	resetCpu(cpu: number): void {
		closeSync(openSync(this.inst.path(`per_cpu/cpu${cpu}/trace`), 'w'));
	}

	async openReaders(): Promise<void> {
		for (let c = 0; c < this.cpus; c++)
			await this.helper.must(`open r${c} per_cpu/cpu${c}/trace_pipe_raw r`);
	}

	async reopenReaders(): Promise<void> {
		for (let c = 0; c < this.cpus; c++) await this.helper.must(`close r${c}`);
		await this.openReaders();
	}

	private async snapshotState(rec: KernelStep): Promise<void> {
		for (const [cpu] of this.observers) {
			const r = await this.helper.must(`peek obs${cpu} 0 ${META_STRUCT_LEN}`);
			rec.meta[cpu] = r[0]!;
		}
		for (let c = 0; c < this.cpus; c++)
			rec.stats.push(parseStats(this.inst.read(`per_cpu/cpu${c}/stats`)));
	}

	async readPages(cpu: number, wantEvents: number, rec: KernelStep): Promise<void> {
		rec.pages ??= [];
		let events = 0;
		for (;;) {
			const r = await this.helper.call(`read r${cpu} ${this.subbufSize}`);
			if (isError(r)) {
				if (r.name !== 'EAGAIN') {
					rec.ok = false;
					rec.errno = r.name;
				}
				rec.empty = true;
				return;
			}
			if (Number(r[0]) === 0) {
				rec.empty = true;
				return;
			}
			const hex = r[1] ?? '';
			rec.pages.push({ cpu, hex });
			events += parseSubbuf(Buffer.from(hex, 'hex'), 0).events.length;
			if (events >= wantEvents) return;
		}
	}

	async drain(index: number): Promise<void> {
		const rec: KernelStep = { index, op: 'drain', ok: true, meta: {}, stats: [] };
		for (let c = 0; c < this.cpus; c++) await this.readPages(c, Infinity, rec);
		await this.snapshotState(rec);
		this.steps.push(rec);
	}

	async sleep(ns: number): Promise<void> {
		if (ns > SLEEP_THRESHOLD_NS) await this.helper.must(`sleep ${ns}`);
	}

	async meta(cpu: number): Promise<MetaFields> {
		const r = await this.helper.must(`peek obs${cpu} 0 ${META_STRUCT_LEN}`);
		return parseMeta(Buffer.from(r[0]!, 'hex'));
	}

	/** Sequence number of the next generated marker payload. */
	nextSeq(): number {
		return ++this.seq;
	}

	/** Moves the helper onto `cpu` (once per change of CPU) and checks it runs there. */
	async pin(cpu: number): Promise<void> {
		if (this.pinned === cpu) return;
		const r = await this.helper.must(`pin ${cpu}`);
		if (Number(r[0]) !== cpu) throw new Error(`pinned to CPU ${cpu} but running on ${r[0]}`);
		this.pinned = cpu;
	}

	/** The observer of `cpu`: the meta page and every sub-buffer, mapped read-only. */
	async mapObserver(cpu: number, rec: KernelStep): Promise<void> {
		await this.helper.must(`mmap obsmeta${cpu} r${cpu} 0 ${PAGE_SIZE} r shared`);
		const m = await this.helper.must(`peek obsmeta${cpu} 0 ${META_STRUCT_LEN}`);
		await this.helper.must(`munmap obsmeta${cpu}`);
		const meta = parseMeta(Buffer.from(m[0]!, 'hex'));
		const len = meta.meta_page_size + meta.nr_subbufs * meta.subbuf_size;
		await this.helper.must(`mmap obs${cpu} r${cpu} 0 ${len} r shared`);
		this.observers.set(cpu, len);
		rec.observer = { cpu, action: 'map', length: len };
	}

	async unmapObserver(cpu: number, rec: KernelStep): Promise<void> {
		await this.helper.must(`munmap obs${cpu}`);
		rec.observer = { cpu, action: 'unmap', length: this.observers.get(cpu)! };
		this.observers.delete(cpu);
	}

	async step(index: number, st: Step): Promise<void> {
		const rec: KernelStep = { index, op: st.op, ok: true, meta: {}, stats: [] };
		const warnsBefore = warnCount();
		const replay = REPLAY[st.op] as ReplayHandler<Step> | undefined;
		if (!replay) throw new NotReplayable(`$.steps[${index}].op`, `"${st.op}" is not replayed`);
		await replay(this, st, rec);
		const warnsAfter = warnCount();
		if (warnsBefore !== null && warnsAfter !== null) rec.warnings = warnsAfter - warnsBefore;
		await this.snapshotState(rec);
		this.steps.push(rec);
	}
}

/** Records a refusal of the step. */
function fail(rec: KernelStep, errno: string): void {
	rec.ok = false;
	rec.errno = errno;
}

/** The step of scenario op `K`. */
type StepOf<K extends Step['op']> = Extract<Step, { op: K }>;
/** Replays one scenario step on the kernel, filling its record. */
type ReplayHandler<S extends Step> = (
	run: KernelRun,
	st: S,
	rec: KernelStep
) => Promise<void> | void;

/** Pins the helper to the step's CPU, then writes each event to trace_marker_raw. */
async function replayWrite(run: KernelRun, st: StepOf<'write'>, rec: KernelStep): Promise<void> {
	const writes: KernelWrite[] = (rec.writes = []);
	await run.pin(st.cpu);
	for (let i = 0; i < (st.repeat ?? 1); i++) {
		if (st.deltaNs !== undefined) await run.sleep(st.deltaNs);
		const data =
			st.payload !== undefined ? st.payload : hexOf(markerBytes(st.size ?? 0, run.nextSeq()));
		const r = await run.helper.call(`write ${data}`);
		const w: KernelWrite = { cpu: st.cpu, data, ok: !isError(r), t0: 0, t1: 0 };
		if (isError(r)) {
			w.errno = r.name;
			w.t0 = Number(r.rest[0] ?? 0);
			w.t1 = Number(r.rest[1] ?? 0);
			fail(rec, r.name);
		} else {
			w.t0 = Number(r[1]);
			w.t1 = Number(r[2]);
		}
		writes.push(w);
	}
}

/** Opens the CPU's trace_pipe_raw and maps it; the first mapping of a CPU adds the observer. */
async function replayMap(run: KernelRun, st: StepOf<'map'>, rec: KernelStep): Promise<void> {
	if (run.maps.has(st.as)) {
		// ringlab's own check (a mapping is named in a scenario): the engine answers EINVAL
		// before it asks the kernel, so the runner does too.
		fail(rec, 'EINVAL');
		return;
	}
	const key = `m${run.nextMap++}`;
	const offset = st.offset ?? 0;
	const length = st.length ?? run.metaPageSize;
	await run.helper.must(`open f${key} per_cpu/cpu${st.cpu}/trace_pipe_raw ${st.open ?? 'r'}`);
	const r = await run.helper.call(
		`mmap ${key} f${key} ${offset} ${length} ${st.prot ?? 'r'} ${st.flags ?? 'shared'}`
	);
	if (isError(r)) {
		await run.helper.must(`close f${key}`);
		fail(rec, r.name);
		return;
	}
	run.maps.set(st.as, { cpu: st.cpu, key, pgoff: offset / PAGE_SIZE, length });
	if (!run.observers.has(st.cpu)) await run.mapObserver(st.cpu, rec);
}

/** Unmaps and closes a mapping; the last mapping of a CPU takes the observer with it. */
async function replayUnmap(run: KernelRun, st: StepOf<'unmap'>, rec: KernelStep): Promise<void> {
	const m = run.maps.get(st.map);
	if (!m) {
		fail(rec, 'EINVAL');
		return;
	}
	const last = [...run.maps.values()].filter((o) => o.cpu === m.cpu).length === 1;
	if (last && run.observers.has(m.cpu)) await run.unmapObserver(m.cpu, rec);
	const r = await run.helper.call(`munmap ${m.key}`);
	await run.helper.call(`close f${m.key}`);
	run.maps.delete(st.map);
	if (isError(r)) fail(rec, r.name);
}

/** TRACE_MMAP_IOCTL_GET_READER; with an observer, records the new reader sub-buffer. */
async function replayGetReader(
	run: KernelRun,
	st: StepOf<'getReader'>,
	rec: KernelStep
): Promise<void> {
	const r = await run.helper.call(`ioctl r${st.cpu}`);
	if (isError(r)) {
		fail(rec, r.name);
		return;
	}
	if (!run.observers.has(st.cpu)) return;
	const meta = await run.meta(st.cpu);
	const off = meta.meta_page_size + meta.reader.id * meta.subbuf_size;
	const p = await run.helper.must(`peek obs${st.cpu} ${off} ${meta.subbuf_size}`);
	rec.reader = { cpu: st.cpu, id: meta.reader.id, hex: p[0]! };
}

/** Reads the meta page through the scenario's mapping (it must start at page 0). */
async function replayReadMeta(
	run: KernelRun,
	st: StepOf<'readMeta'>,
	rec: KernelStep
): Promise<void> {
	const m = run.maps.get(st.map);
	if (!m || m.pgoff !== 0) {
		fail(rec, 'EINVAL');
		return;
	}
	const r = await run.helper.must(`peek ${m.key} 0 ${Math.min(m.length, run.metaPageSize)}`);
	const bytes = Buffer.from(r[0]!, 'hex');
	let paddingNonZero = 0;
	for (let off = META_STRUCT_LEN; off + 4 <= bytes.length; off += 4)
		if (bytes.readUInt32LE(off)) paddingNonZero++;
	rec.result = { ...parseMeta(bytes), paddingNonZero };
}

/** Reads the reader sub-buffer through the scenario's mapping, where the mapping covers it. */
async function replayReadMapped(
	run: KernelRun,
	st: StepOf<'readMapped'>,
	rec: KernelStep
): Promise<void> {
	const m = run.maps.get(st.map);
	if (!m || !run.observers.has(m.cpu)) {
		fail(rec, 'EINVAL');
		return;
	}
	const meta = await run.meta(m.cpu);
	const start = meta.meta_page_size + meta.reader.id * meta.subbuf_size - m.pgoff * PAGE_SIZE;
	if (start < 0 || start + meta.subbuf_size > m.length) {
		fail(rec, 'EINVAL');
		return;
	}
	const p = await run.helper.must(`peek ${m.key} ${start} ${meta.subbuf_size}`);
	rec.result = {
		...parseSubbuf(Buffer.from(p[0]!, 'hex'), meta.reader.read),
		reader: meta.reader
	};
}

/** Writes buffer_size_kb (all CPUs or one), then checks the kernel gave what was asked. */
function replayResize(run: KernelRun, st: StepOf<'resize'>, rec: KernelStep): void {
	const n = st.subbufs;
	const file = st.cpu === 'all' ? 'buffer_size_kb' : `per_cpu/cpu${st.cpu}/buffer_size_kb`;
	const e = run.inst.write(file, String(n === 0 ? 0 : kbFor(n, run.data)));
	if (e) fail(rec, e);
	else
		for (const c of st.cpu === 'all' ? [...Array(run.cpus).keys()] : [st.cpu])
			run.checkSize(c, n);
}

/** Writes buffer_subbuf_size_kb; on success the readers are opened again. */
async function replaySubbufOrder(
	run: KernelRun,
	st: StepOf<'subbufOrder'>,
	rec: KernelStep
): Promise<void> {
	const e = run.inst.write(
		'buffer_subbuf_size_kb',
		String(st.order < 0 ? 0 : subbufKb(st.order))
	);
	if (e) fail(rec, e);
	else {
		run.order = st.order;
		await run.reopenReaders();
	}
}

/** The replay of each op a live kernel can make (checkReplayable refuses the others first). */
const REPLAY: { [K in Step['op']]?: ReplayHandler<StepOf<K>> } = {
	write: replayWrite,
	clock: (run, st) => run.sleep(st.advanceNs ?? 0),
	consume: async (run, st, rec) => {
		rec.cpu = st.cpu;
		await run.readPages(st.cpu, st.count ?? Infinity, rec);
	},
	readPage: async (run, st, rec) => {
		rec.cpu = st.cpu;
		await run.readPages(st.cpu, 1, rec);
	},
	map: replayMap,
	unmap: replayUnmap,
	getReader: replayGetReader,
	readMeta: replayReadMeta,
	readMapped: replayReadMapped,
	resize: replayResize,
	subbufOrder: replaySubbufOrder,
	reset: (run, st) => run.resetCpu(st.cpu),
	tracing: (run, st, rec) => {
		const e = run.inst.write('tracing_on', st.on ? '1' : '0');
		if (e) fail(rec, e);
	}
};

/** /sys/kernel/warn_count (every WARN() since boot), or null where it cannot be read. */
function warnCount(): number | null {
	try {
		const n = Number(readFileSync('/sys/kernel/warn_count', 'utf8').trim());
		return Number.isFinite(n) ? n : null;
	} catch {
		return null;
	}
}
