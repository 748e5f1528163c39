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
	kbFor,
	KernelUnavailable,
	NotReplayable,
	parseStats,
	SLEEP_THRESHOLD_NS,
	type KernelRecord,
	type KernelStep
} from './record';
import { Instance, onlineCpus, sweepStale, unavailableReason } from './tracefs';
import { CapabilityRefused, probeKernel, refusedCapability } from './probe';
import { consumeThroughPipe } from './pipe';
import { REPLAY, subbufKb, type ReplayHandler } from './replay';

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

/**
 * The state of one run: open files, mappings, the sub-buffer geometry. Its fields are read and
 * changed by the op handlers (REPLAY, in replay.ts); exported for them only.
 */
export class KernelRun {
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
		// consume reads per_cpu/cpuN/trace_pipe in the raw format (pipe.ts); it changes only text.
		this.must('options/raw', '1');
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
		for (const c of this.pipes) await this.helper.must(`close p${c}`);
		this.pipes.clear();
		await this.openReaders();
	}

	/** CPUs whose per_cpu/cpuN/trace_pipe is open (as pN), opened by their first consume. */
	readonly pipes = new Set<number>();

	/** `consume`: up to `want` events through the CPU's trace_pipe, one event per read. */
	async consumePipe(cpu: number, want: number, rec: KernelStep): Promise<void> {
		if (!this.pipes.has(cpu)) {
			await this.helper.must(`open p${cpu} per_cpu/cpu${cpu}/trace_pipe r`);
			this.pipes.add(cpu);
		}
		const r = await consumeThroughPipe(this.helper, `p${cpu}`, want);
		rec.consumed = r.events;
		if (r.empty) rec.empty = true;
		if (r.errno) {
			rec.ok = false;
			rec.errno = r.errno;
		}
	}

	private async snapshotState(rec: KernelStep): Promise<void> {
		for (const [cpu] of this.observers) {
			const r = await this.helper.must(`peek obs${cpu} 0 ${META_STRUCT_LEN}`);
			rec.meta[cpu] = r[0]!;
			// Every sub-buffer, by ID (issue #16 item 7).
			const m = parseMeta(Buffer.from(r[0]!, 'hex'));
			const all = await this.helper.must(
				`peek obs${cpu} ${m.meta_page_size} ${m.nr_subbufs * m.subbuf_size}`
			);
			const n = 2 * m.subbuf_size;
			rec.subbufs ??= {};
			rec.subbufs[cpu] = Array.from({ length: m.nr_subbufs }, (_, id) =>
				all[0]!.slice(id * n, (id + 1) * n)
			);
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

/** /sys/kernel/warn_count (every WARN() since boot), or null where it cannot be read. */
function warnCount(): number | null {
	try {
		const n = Number(readFileSync('/sys/kernel/warn_count', 'utf8').trim());
		return Number.isFinite(n) ? n : null;
	} catch {
		return null;
	}
}
