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

/** The state of one run: open files, mappings, the sub-buffer geometry. */
class KernelRun {
	helper!: Helper;
	readonly steps: KernelStep[] = [];
	private order = 0;
	private seq = 0;
	private pinned = -1;
	private maps = new Map<string, { cpu: number; key: string; pgoff: number; length: number }>();
	private nextMap = 0;
	private observers = new Map<number, number>(); // cpu -> length

	constructor(
		private readonly inst: Instance,
		private readonly cpus: number
	) {}

	get subbufSize(): number {
		return 4096 << this.order;
	}
	get data(): number {
		return this.subbufSize - 16;
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
		this.must('buffer_subbuf_size_kb', String(4 << order));
		this.order = order;
		this.must('options/overwrite', overwrite ? '1' : '0');
		this.must('buffer_size_kb', String(kbFor(nrPages, this.data)));
		for (let c = 0; c < this.cpus; c++) this.checkSize(c, nrPages);
		// A fresh start: the resize above may have left nothing behind, but make sure.
		for (let c = 0; c < this.cpus; c++) this.resetCpu(c);
		this.must('tracing_on', '1');
	}

	/** Refuses the run when the kernel did not give exactly n sub-buffers. */
	private checkSize(cpu: number, n: number): void {
		const kb = Number(this.inst.read(`per_cpu/cpu${cpu}/buffer_size_kb`).trim());
		const want = kbFor(Math.max(2, n), this.data);
		if (kb !== want)
			throw new Error(
				`the kernel gave CPU ${cpu} ${kb} KiB where ${Math.max(2, n)} sub-buffers of ${this.data} data bytes make ${want} KiB: refusing to compare a different ring`
			);
	}

	private resetCpu(cpu: number): void {
		closeSync(openSync(this.inst.path(`per_cpu/cpu${cpu}/trace`), 'w'));
	}

	async openReaders(): Promise<void> {
		for (let c = 0; c < this.cpus; c++)
			await this.helper.must(`open r${c} per_cpu/cpu${c}/trace_pipe_raw r`);
	}

	private async reopenReaders(): Promise<void> {
		for (let c = 0; c < this.cpus; c++) await this.helper.must(`close r${c}`);
		await this.openReaders();
	}

	private async snapshotState(rec: KernelStep): Promise<void> {
		for (const [cpu] of this.observers) {
			const r = await this.helper.must(`peek obs${cpu} 0 80`);
			rec.meta[cpu] = r[0]!;
		}
		for (let c = 0; c < this.cpus; c++)
			rec.stats.push(parseStats(this.inst.read(`per_cpu/cpu${c}/stats`)));
	}

	private async readPages(cpu: number, wantEvents: number, rec: KernelStep): Promise<void> {
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

	private async sleep(ns: number): Promise<void> {
		if (ns > SLEEP_THRESHOLD_NS) await this.helper.must(`sleep ${ns}`);
	}

	private async meta(cpu: number): Promise<MetaFields> {
		const r = await this.helper.must(`peek obs${cpu} 0 80`);
		return parseMeta(Buffer.from(r[0]!, 'hex'));
	}

	async step(index: number, st: Step): Promise<void> {
		const rec: KernelStep = { index, op: st.op, ok: true, meta: {}, stats: [] };
		const warnsBefore = warnCount();
		const fail = (errno: string) => {
			rec.ok = false;
			rec.errno = errno;
		};
		switch (st.op) {
			case 'write': {
				rec.writes = [];
				if (this.pinned !== st.cpu) {
					const r = await this.helper.must(`pin ${st.cpu}`);
					if (Number(r[0]) !== st.cpu)
						throw new Error(`pinned to CPU ${st.cpu} but running on ${r[0]}`);
					this.pinned = st.cpu;
				}
				for (let i = 0; i < (st.repeat ?? 1); i++) {
					if (st.deltaNs !== undefined) await this.sleep(st.deltaNs);
					const data =
						st.payload !== undefined
							? st.payload
							: hexOf(markerBytes(st.size ?? 0, ++this.seq));
					const r = await this.helper.call(`write ${data}`);
					const w: KernelWrite = { cpu: st.cpu, data, ok: !isError(r), t0: 0, t1: 0 };
					if (isError(r)) {
						w.errno = r.name;
						w.t0 = Number(r.rest[0] ?? 0);
						w.t1 = Number(r.rest[1] ?? 0);
						fail(r.name);
					} else {
						w.t0 = Number(r[1]);
						w.t1 = Number(r[2]);
					}
					rec.writes.push(w);
				}
				break;
			}
			case 'clock':
				await this.sleep(st.advanceNs ?? 0);
				break;
			case 'consume':
				rec.cpu = st.cpu;
				await this.readPages(st.cpu, st.count ?? Infinity, rec);
				break;
			case 'readPage':
				rec.cpu = st.cpu;
				await this.readPages(st.cpu, 1, rec);
				break;
			case 'map': {
				if (this.maps.has(st.as)) {
					// ringlab's own check (a mapping is named in a scenario): the engine answers
					// EINVAL before it asks the kernel, so the runner does too.
					fail('EINVAL');
					break;
				}
				const key = `m${this.nextMap++}`;
				const offset = st.offset ?? 0;
				const length = st.length ?? this.metaPageSize;
				await this.helper.must(
					`open f${key} per_cpu/cpu${st.cpu}/trace_pipe_raw ${st.open ?? 'r'}`
				);
				const r = await this.helper.call(
					`mmap ${key} f${key} ${offset} ${length} ${st.prot ?? 'r'} ${st.flags ?? 'shared'}`
				);
				if (isError(r)) {
					await this.helper.must(`close f${key}`);
					fail(r.name);
					break;
				}
				this.maps.set(st.as, { cpu: st.cpu, key, pgoff: offset / 4096, length });
				if (!this.observers.has(st.cpu)) {
					// The observer: meta page and every sub-buffer, read-only.
					await this.helper.must(`mmap obsmeta${st.cpu} r${st.cpu} 0 4096 r shared`);
					const m = await this.helper.must(`peek obsmeta${st.cpu} 0 80`);
					await this.helper.must(`munmap obsmeta${st.cpu}`);
					const meta = parseMeta(Buffer.from(m[0]!, 'hex'));
					const len = meta.meta_page_size + meta.nr_subbufs * meta.subbuf_size;
					await this.helper.must(`mmap obs${st.cpu} r${st.cpu} 0 ${len} r shared`);
					this.observers.set(st.cpu, len);
					rec.observer = { cpu: st.cpu, action: 'map', length: len };
				}
				break;
			}
			case 'unmap': {
				const m = this.maps.get(st.map);
				if (!m) {
					fail('EINVAL');
					break;
				}
				const last = [...this.maps.values()].filter((o) => o.cpu === m.cpu).length === 1;
				if (last && this.observers.has(m.cpu)) {
					await this.helper.must(`munmap obs${m.cpu}`);
					rec.observer = {
						cpu: m.cpu,
						action: 'unmap',
						length: this.observers.get(m.cpu)!
					};
					this.observers.delete(m.cpu);
				}
				const r = await this.helper.call(`munmap ${m.key}`);
				await this.helper.call(`close f${m.key}`);
				this.maps.delete(st.map);
				if (isError(r)) fail(r.name);
				break;
			}
			case 'getReader': {
				const r = await this.helper.call(`ioctl r${st.cpu}`);
				if (isError(r)) {
					fail(r.name);
					break;
				}
				if (this.observers.has(st.cpu)) {
					const meta = await this.meta(st.cpu);
					const off = meta.meta_page_size + meta.reader.id * meta.subbuf_size;
					const p = await this.helper.must(
						`peek obs${st.cpu} ${off} ${meta.subbuf_size}`
					);
					rec.reader = { cpu: st.cpu, id: meta.reader.id, hex: p[0]! };
				}
				break;
			}
			case 'readMeta': {
				const m = this.maps.get(st.map);
				if (!m || m.pgoff !== 0) {
					fail('EINVAL');
					break;
				}
				const r = await this.helper.must(
					`peek ${m.key} 0 ${Math.min(m.length, this.metaPageSize)}`
				);
				const bytes = Buffer.from(r[0]!, 'hex');
				let paddingNonZero = 0;
				for (let off = 80; off + 4 <= bytes.length; off += 4)
					if (bytes.readUInt32LE(off)) paddingNonZero++;
				rec.result = { ...parseMeta(bytes), paddingNonZero };
				break;
			}
			case 'readMapped': {
				const m = this.maps.get(st.map);
				if (!m || !this.observers.has(m.cpu)) {
					fail('EINVAL');
					break;
				}
				const meta = await this.meta(m.cpu);
				const start =
					meta.meta_page_size + meta.reader.id * meta.subbuf_size - m.pgoff * 4096;
				if (start < 0 || start + meta.subbuf_size > m.length) {
					fail('EINVAL');
					break;
				}
				const p = await this.helper.must(`peek ${m.key} ${start} ${meta.subbuf_size}`);
				rec.result = {
					...parseSubbuf(Buffer.from(p[0]!, 'hex'), meta.reader.read),
					reader: meta.reader
				};
				break;
			}
			case 'resize': {
				const n = st.subbufs;
				const file =
					st.cpu === 'all' ? 'buffer_size_kb' : `per_cpu/cpu${st.cpu}/buffer_size_kb`;
				const e = this.inst.write(file, String(n === 0 ? 0 : kbFor(n, this.data)));
				if (e) fail(e);
				else
					for (const c of st.cpu === 'all' ? [...Array(this.cpus).keys()] : [st.cpu])
						this.checkSize(c, n);
				break;
			}
			case 'subbufOrder': {
				const kb = st.order < 0 ? 0 : 4 * 2 ** st.order;
				const e = this.inst.write('buffer_subbuf_size_kb', String(kb));
				if (e) fail(e);
				else {
					this.order = st.order;
					await this.reopenReaders();
				}
				break;
			}
			case 'reset':
				this.resetCpu(st.cpu);
				break;
			case 'tracing': {
				const e = this.inst.write('tracing_on', st.on ? '1' : '0');
				if (e) fail(e);
				break;
			}
			default:
				throw new NotReplayable(`$.steps[${index}].op`, `"${st.op}" is not replayed`);
		}
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
