// The page's thin runes adapter over the engine: it owns one Simulation running in the page's
// thread, turns each control into a scenario step (spec §2), and publishes what the components
// draw: the state, the user-space mappings and their meta pages, the event log, and the outcome
// of the last action (which control, errno and reason when the kernel refused).
import {
	Simulation,
	checkInvariants,
	pageRecords,
	structOf,
	takeHandedEvents,
	type ConsumerCursor,
	type DecodedRecord,
	type KernelVersion,
	type Mapping,
	type MetaFields,
	type RingState,
	type Step,
	type StepResult,
	type Violation
} from '$lib/ring';
import { wholeMappingBytes } from '$lib/viz/pgoff-strip';
import { traceLines, type TraceEvent } from '$lib/viz/trace-pipe';
import { describeStep, partial, resultText } from './step-text';

/** The controls whose refusals are shown next to them. */
export type ControlId =
	| 'write'
	| 'burst'
	| 'consume'
	| 'readPage'
	| 'map'
	| 'unmap'
	| 'getReader'
	| 'snapshot'
	| 'snapshotFree'
	| 'resize'
	| 'subbufOrder'
	| 'reset'
	| 'tracing';

/** What a new machine is built from; changing any of these makes a new Simulation. */
export interface LabSetup {
	kernel: KernelVersion;
	cpus: number;
	subbufsPerCpu: number;
	subbufOrder: number;
	overwrite: boolean;
}

/** The last action's result, shown next to the control that caused it. */
export interface Outcome {
	control: ControlId;
	ok: boolean;
	errno?: string;
	message?: string;
	warnings: string[];
}

export interface LogLine {
	id: number;
	kind: 'action' | 'refusal' | 'event' | 'lost' | 'warning';
	text: string;
}

export type WriterContext = 'task' | 'irq' | 'nmi';

const LOG_LIMIT = 2000;
export const DEFAULT_SETUP: LabSetup = {
	kernel: '6.10',
	cpus: 2,
	subbufsPerCpu: 4,
	subbufOrder: 0,
	overwrite: true
};

export class Lab {
	setup: LabSetup = $state.raw(DEFAULT_SETUP);
	state: RingState = $state.raw(null!);
	maps: Mapping[] = $state.raw([]);
	/** Each mapped CPU's meta page as user space reads it now (stale between updates, by design). */
	meta: readonly (MetaFields | undefined)[] = $state.raw([]);
	log: LogLine[] = $state.raw([]);
	outcome: Outcome | null = $state.raw(null);
	violations: Violation[] = $state.raw([]);
	/** The CPU the controls act on. */
	cpu = $state(0);
	/** The sub-buffer in the inspector, and the one a pgoff points at. */
	selected: { cpu: number; page: number } | null = $state.raw(null);
	highlighted: { cpu: number; page: number } | null = $state.raw(null);
	snapshotArmed = $state(false);
	engine: 'idle' | 'running' | 'error' = $state('idle');
	error = $state('');
	#sim: Simulation;
	/** What each CPU's user-space consumer has read so far (libtracefs keeps the same). */
	#cursors: (ConsumerCursor | undefined)[] = [];
	#lineId = 0;

	constructor(setup: Partial<LabSetup> = {}) {
		this.setup = { ...DEFAULT_SETUP, ...setup };
		this.#sim = new Simulation({ ...this.setup, snapshot: false });
		this.#refresh();
	}

	/** 2^order: system pages in one sub-buffer. */
	get pagesPerSubbuf(): number {
		return this.state.subbufSize / 4096;
	}

	/** Builds a new machine: the kernel version, CPU count and overwrite mode are fixed at boot. */
	reconfigure(change: Partial<LabSetup>): void {
		const order = Math.log2(this.pagesPerSubbuf);
		this.setup = { ...this.setup, subbufOrder: order, ...change };
		this.#sim = new Simulation({ ...this.setup, snapshot: false });
		this.#cursors = [];
		this.snapshotArmed = false;
		this.selected = null;
		this.highlighted = null;
		this.outcome = null;
		this.cpu = Math.min(this.cpu, this.setup.cpus - 1);
		const { kernel, cpus, subbufsPerCpu, overwrite } = this.setup;
		this.#say(
			'action',
			`# new machine: Linux ${kernel}, ${cpus} CPU${cpus > 1 ? 's' : ''}, ${subbufsPerCpu} sub-buffers each, overwrite ${overwrite ? 'on' : 'off'}`
		);
		this.#refresh();
	}

	write(size: number, ctx: WriterContext, repeat = 1): void {
		const control = repeat > 1 ? 'burst' : 'write';
		const step: Step = { op: 'write', cpu: this.cpu, size, ctx };
		this.#run(control, repeat > 1 ? { ...step, repeat } : step);
	}

	consume(count?: number): void {
		const res = this.#run('consume', {
			op: 'consume',
			cpu: this.cpu,
			...(count ? { count } : {})
		});
		if (res.ok) this.#events(this.cpu, res.events as TraceEvent[]);
	}

	readPage(): void {
		const res = this.#run('readPage', { op: 'readPage', cpu: this.cpu });
		if (res.ok) this.#events(this.cpu, res.events as TraceEvent[], (res.missed as number) ?? 0);
	}

	/** Maps the whole per-CPU buffer read-only: the meta area, then every sub-buffer by ID. */
	map(): void {
		const cpu = this.cpu;
		const nr = this.state.cpus[cpu]!.nrPages + 1;
		const length = wholeMappingBytes(this.state.kernel, this.state.subbufSize, nr);
		const as = this.#freeMapName(cpu);
		const res = this.#run('map', { op: 'map', cpu, as, length });
		if (res.ok && !this.#cursors[cpu]) this.#cursors[cpu] = { id: -1, pos: 0 };
	}

	unmap(): void {
		const cpu = this.cpu;
		const mine = this.maps.filter((m) => m.cpu === cpu);
		this.#run('unmap', { op: 'unmap', map: mine.at(-1)?.name ?? `cpu${cpu}` });
		if (!this.maps.some((m) => m.cpu === cpu)) this.#cursors[cpu] = undefined;
	}

	/** TRACE_MMAP_IOCTL_GET_READER, then reads what it handed over through the mapping. */
	getReader(): void {
		const cpu = this.cpu;
		const res = this.#run('getReader', { op: 'getReader', cpu });
		const m = this.mapOf(cpu);
		const cursor = this.#cursors[cpu];
		if (!res.ok || !m || !cursor) return;
		const handed = takeHandedEvents(this.#sim.ring, m, [...this.#sim.maps.values()], cursor);
		this.#events(cpu, handed.events, handed.missed);
	}

	/** Arms the snapshot buffer once (echo 1 > snapshot allocates it), then swaps this CPU. */
	snapshot(): void {
		if (!this.snapshotArmed) {
			if (!this.#run('snapshot', { op: 'snapshotArm' }).ok) return;
			this.snapshotArmed = true;
		}
		this.#run('snapshot', { op: 'snapshot', cpu: this.cpu });
	}

	freeSnapshot(): void {
		if (this.#run('snapshotFree', { op: 'snapshotFree' }).ok) this.snapshotArmed = false;
	}

	resize(subbufs: number): void {
		this.#run('resize', { op: 'resize', cpu: this.cpu, subbufs });
	}

	setOrder(order: number): void {
		this.#run('subbufOrder', { op: 'subbufOrder', order });
	}

	reset(): void {
		this.#run('reset', { op: 'reset', cpu: this.cpu });
	}

	setTracing(on: boolean): void {
		this.#run('tracing', { op: 'tracing', on });
	}

	select(cpu: number, page: number): void {
		this.cpu = cpu;
		this.selected = { cpu, page };
	}

	/** The first mapping of `cpu` that covers its meta page. */
	mapOf(cpu: number): Mapping | undefined {
		return this.maps.find((m) => m.cpu === cpu && m.pgoff === 0);
	}

	/** The records of a sub-buffer, from 0 to its commit (re-read whenever the state changes). */
	records(cpu: number, page: number): DecodedRecord[] {
		if (!this.state.cpus[cpu]?.pages[page]) return [];
		return pageRecords(this.#sim.ring, structOf(this.#sim.ring, 0, cpu), page);
	}

	/** The payload of a data record as hex, or null when the bytes cannot be located safely. */
	payload(cpu: number, page: number, record: DecodedRecord): string | null {
		const bytes = this.#subbufBytes(cpu, page);
		if (!bytes || record.dataOffset === undefined || record.dataLength === undefined)
			return null;
		const start = 16 + record.dataOffset;
		return [...bytes.subarray(start, start + record.dataLength)]
			.map((b) => b.toString(16).padStart(2, '0'))
			.join('');
	}

	/**
	 * One sub-buffer's bytes in the engine's state. The engine exports no helper for this yet
	 * (its subbufOff is internal), so this follows the state layout published on `ring.L` and
	 * checks the header it finds against describePage before trusting it.
	 * TODO(#5): replace with an exported engine helper.
	 */
	#subbufBytes(cpu: number, page: number): Uint8Array | null {
		const ring = this.#sim.ring;
		const base = ring.L.descBase[structOf(ring, 0, cpu)];
		const known = this.state.cpus[cpu]?.pages[page];
		if (base === undefined || !known) return null;
		const off = ring.L.dataOff + (base + page) * ring.L.subbufSize;
		const bytes = ring.u8.subarray(off, off + ring.L.subbufSize);
		const dv = new DataView(bytes.buffer, bytes.byteOffset, 16);
		const ts = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
		const commit = dv.getUint32(8, true) & 0x3fffffff;
		return ts === known.timeStamp && commit === known.commit ? bytes : null;
	}

	#freeMapName(cpu: number): string {
		for (let k = 1; ; k++) {
			const name = k === 1 ? `cpu${cpu}` : `cpu${cpu}.${k}`;
			if (!this.#sim.maps.has(name)) return name;
		}
	}

	#run(control: ControlId, step: Step): StepResult {
		this.engine = 'running';
		let res: StepResult;
		try {
			res = this.#sim.apply(step);
		} catch (e) {
			this.engine = 'error';
			this.error = e instanceof Error ? e.message : String(e);
			return { ok: false, warnings: [] };
		}
		const warnings = res.warnings.map((w) => w.message);
		const message = res.message === undefined ? undefined : res.message + partial(res);
		this.outcome = { control, ok: res.ok, errno: res.errno, message, warnings };
		this.#say(res.ok ? 'action' : 'refusal', `# ${describeStep(step)} -> ${resultText(res)}`);
		for (const w of warnings) this.#say('warning', `# WARNING: ${w}`);
		this.#refresh();
		this.engine = this.violations.length ? 'error' : 'idle';
		return res;
	}

	#events(cpu: number, events: readonly TraceEvent[], missed = 0): void {
		for (const line of traceLines(cpu, events, missed))
			this.#say(line.startsWith('CPU:') ? 'lost' : 'event', line);
	}

	#say(kind: LogLine['kind'], text: string): void {
		const log = [...this.log, { id: ++this.#lineId, kind, text }];
		this.log = log.length > LOG_LIMIT ? log.slice(log.length - LOG_LIMIT) : log;
	}

	#refresh(): void {
		const sim = this.#sim;
		this.state = sim.state();
		this.maps = [...sim.maps.values()];
		const meta: (MetaFields | undefined)[] = [];
		for (const m of this.maps) {
			if (m.pgoff !== 0 || meta[m.cpu]) continue;
			const res = sim.apply({ op: 'readMeta', map: m.name });
			if (res.ok) meta[m.cpu] = res as unknown as MetaFields;
		}
		this.meta = meta;
		this.violations = checkInvariants(sim.ring);
		const sel = this.selected;
		if (sel && !this.state.cpus[sel.cpu]?.pages[sel.page]) this.selected = null;
	}
}
