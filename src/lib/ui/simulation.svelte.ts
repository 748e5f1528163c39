// The page's thin runes adapter over the engine. The engine (the kernel) runs in a Worker
// (EngineClient); this adapter plays user space: it turns each control into a scenario step
// (spec §2) sent to the Worker, and reads everything it draws from the engine's state in place:
// with cross-origin isolation that is the Worker's own SharedArrayBuffer (zero-copy, as an mmap
// consumer reads; what it reads can be late while writer threads run), without it a copy that
// comes with every reply. It publishes the state, the mappings and their meta pages, the event
// log, and the outcome of the last action (which control, errno and reason when refused).
import { SvelteMap } from 'svelte/reactivity';
import {
	checkInvariants,
	describeCpu,
	describeRing,
	describeSnapshot,
	writerProgress,
	FormatError,
	pageRecords,
	readMetaPage,
	structOf,
	takeHandedEvents,
	type ConsumerCursor,
	type CpuState,
	type DecodedRecord,
	type KernelVersion,
	type Mapping,
	type MetaFields,
	type Ring,
	type RingState,
	type Step,
	type StepResult,
	type Violation
} from '$lib/ring';
import { count } from '$lib/text/plural';
import { EngineClient } from '$lib/worker/client';
import type { MarkAt, Reply, TimelineCall, TimelineView, Transport } from '$lib/worker/protocol';
import { parseScenario, type Scenario, type TimelineEntry } from '$lib/session';
import { wholeMappingBytes } from '$lib/viz/pgoff-strip';
import { hex } from '$lib/text/hex';
import { traceLines, type TraceEvent } from '$lib/text/trace-pipe';
import { describeStep, partial, resultText } from '$lib/text/step-text';
import { READOUT_MS, ringsPerFrame } from './cadence';
import { ContinuousWriter, type WriterSettings } from './continuous-writer.svelte';
import { moving, onMotion, settled } from '$lib/viz/motion';

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
	| 'tracing'
	| 'writer'
	| 'spawn'
	| 'step'
	| 'timeline';

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

/** Whether two setups build the same machine. */
export function sameSetup(a: LabSetup, b: LabSetup): boolean {
	return (Object.keys(a) as (keyof LabSetup)[]).every((k) => a[k] === b[k]);
}

/** What loading a scenario did. */
export type LoadOutcome =
	| {
			ok: true;
			length: number;
			stopped: string | null;
			/** Its failed expectations, as `ringlab run` reports them (it exits 1); [] when all held. */
			mismatches: string[];
	  }
	| { ok: false; message: string };

/** A concurrent context to start in step mode. */
export interface SpawnSpec {
	ctx: 'task' | 'irq' | 'nmi' | 'reader' | 'user' | 'swap';
	cpu: number;
	/** The operation it runs (a scenario step without `cpu`'s default). */
	do: Record<string, unknown>;
}

/** What `window.ringlab.engine()` reports. */
export interface EngineInfo {
	transport: Transport | null;
	/** The state this page draws is the engine Worker's own SharedArrayBuffer (zero-copy). */
	stateIsShared: boolean;
	/** Replies from the engine Worker so far: they do not move while writer threads write. */
	replies: number;
	writer: 'threads' | 'batches' | null;
	written: number;
}

/** `document.body.dataset.engine` (spec §4). */
export type EngineStatus = 'starting' | 'idle' | 'running' | 'error';

export class Lab {
	setup: LabSetup = $state.raw(DEFAULT_SETUP);
	/** null until the engine Worker has answered. */
	state: RingState = $state.raw(null!);
	/**
	 * What the rings draw, one entry per CPU: `state.cpus` when the lab is still, re-read a few
	 * CPUs per frame while the continuous writer runs (an unchanged entry is not redrawn).
	 */
	rings: readonly CpuState[] = $state.raw([]);
	/**
	 * The rings as they were drawn before the timeline last moved (null on a new machine and while
	 * free-running writers write): the drawing marks what differs (ringChanges) until it moves again.
	 */
	before: readonly CpuState[] | null = $state.raw(null);
	/**
	 * Events the continuous writer wrote on this machine outside the timeline: free-running
	 * writes are not steps, so they cannot be stepped back or replayed from a link (0 on a new
	 * machine or a loaded scenario).
	 */
	offTimeline = $state(0);
	/** The snapshot buffer (what the last snapshot swap took out), null while none is allocated. */
	snapshotBuffer: RingState | null = $state.raw(null);
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
	engine: EngineStatus = $state('starting');
	/** How the page sees the engine's state: in place (shared) or as copies (copy). */
	transport: Transport | null = $state(null);
	error = $state('');
	/** Where the engine's timeline is: position, length, a freeze, the in-flight contexts. */
	timeline: TimelineView = $state.raw({ position: 0, length: 0, frozen: null, contexts: [] });
	/** The entry that led to the current position: what just happened (null at position 0). */
	current: TimelineEntry | null = $state.raw(null);
	/** The scenario loaded last (a lesson, a shared link), null for a machine built by hand. */
	scenario: Scenario | null = $state.raw(null);
	/** The failed expectations of `scenario` (what makes `ringlab run` exit 1); [] when all held. */
	mismatches: string[] = $state.raw([]);
	/** Where each step of `scenario` starts on the timeline (starts[i] = before step i). */
	starts: number[] = $state.raw([0]);
	/** Why Step waits (a lesson's question not answered yet), or null. */
	hold: string | null = $state(null);
	/** Every position whose entry has an interesting moment (for the slider and "next moment"). */
	marks: MarkAt[] = $state.raw([]);
	/** The continuous writer (free-running writer threads, or batches through the engine). */
	readonly writer: ContinuousWriter;
	#client: EngineClient | null = null;
	/** The page's opening work (arrive), null once it ended. */
	#arrival: Promise<void> | null = null;
	/** Commands run one after another, in the order the controls were used. */
	#queue: Promise<unknown> = Promise.resolve();
	#inFlight = 0;
	/** What each CPU's user-space consumer has read so far (libtracefs keeps the same). */
	#cursors: (ConsumerCursor | undefined)[] = [];
	#lineId = 0;
	/** When the numbers were last re-read while the writer runs (performance.now()). */
	#readoutAt = 0;
	/** The first CPU whose ring the next frame may re-read. */
	#nextRing = 0;
	/** `writerProgress` of each CPU when its ring was last re-read, and the frame it was. */
	#drawnWrites: number[] = [];
	#drawnAt: number[] = [];
	/** Frames drawn since the writer started (see #frame). */
	#frames = 0;

	constructor(setup: Partial<LabSetup> = {}) {
		this.setup = { ...DEFAULT_SETUP, ...setup };
		this.writer = new ContinuousWriter({
			apply: (step) => this.#client!.apply(step),
			startThreads: (cpus, rate, size) =>
				this.#client?.startWriters(cpus, rate, size) ?? false,
			stopThreads: () => this.#client?.stopWriters() ?? Promise.resolve(),
			written: (cpu) => this.#client?.written(cpu) ?? 0,
			sample: () => this.#sample(),
			frame: () => this.#frame()
		});
		void this.#enqueue(() => this.#boot());
		onMotion(() => this.#status());
	}

	/** The engine state as this thread sees it (a view of the shared buffer, or the last copy). */
	get ring(): Ring {
		return this.#client!.ring;
	}

	/** How this page reads the engine: for `window.ringlab.engine()` and the tests. */
	engineInfo(): EngineInfo {
		const c = this.#client;
		return {
			transport: this.transport,
			stateIsShared:
				typeof SharedArrayBuffer === 'function' && c?.ring.buf instanceof SharedArrayBuffer,
			replies: c?.replies ?? 0,
			writer: this.writer.mode,
			written: this.writer.total
		};
	}

	/** 2^order: system pages in one sub-buffer. */
	get pagesPerSubbuf(): number {
		return this.state.subbufSize / 4096;
	}

	/**
	 * Resolves once the lab is idle: what the page was opened for is loaded (see `arrive`), every
	 * command sent so far has been answered and drawn, and no drawing move is running.
	 */
	async idle(): Promise<void> {
		for (;;) {
			const queue = this.#queue;
			await queue;
			if (this.#arrival) {
				await this.#arrival;
				continue;
			}
			await settled();
			if (queue === this.#queue && !this.#arrival) return;
		}
	}

	/**
	 * The page's opening work, run once the engine is up (the lessons list, the URL's scenario or
	 * lesson): until it ends the lab is `starting`, and idle() waits for it. `work` must not wait
	 * for idle() (it would wait for itself).
	 */
	arrive(work: () => Promise<unknown>): void {
		const arrival = this.#queue.then(work).then(
			() => undefined,
			(e: unknown) => void (this.error = e instanceof Error ? e.message : String(e))
		);
		this.#arrival = arrival.then(() => {
			if (this.#arrival === tracked) this.#arrival = null;
			this.#status();
		});
		const tracked = this.#arrival;
		this.#status();
	}

	/** Builds a new machine: the kernel version, CPU count and overwrite mode are fixed at boot. */
	reconfigure(change: Partial<LabSetup>): Promise<void> {
		return this.#enqueue(async () => {
			const order = this.state ? Math.log2(this.pagesPerSubbuf) : this.setup.subbufOrder;
			this.setup = { ...this.setup, subbufOrder: order, ...change };
			await this.#boot();
			// A new machine is a new timeline: nothing has happened on it yet.
			this.timeline = this.#client!.view;
			this.current = null;
			this.marks = [];
			this.scenario = null;
			this.mismatches = [];
			this.starts = [0];
			this.#cursors = [];
			this.snapshotArmed = false;
			this.selected = null;
			this.highlighted = null;
			this.outcome = null;
			this.cpu = Math.min(this.cpu, this.setup.cpus - 1);
			const { kernel, cpus, subbufsPerCpu, overwrite } = this.setup;
			this.#say(
				'action',
				`# new machine: Linux ${kernel}, ${count(cpus, 'CPU')}, ${count(subbufsPerCpu, 'sub-buffer')} each, overwrite ${overwrite ? 'on' : 'off'}`
			);
		});
	}

	write(size: number, ctx: WriterContext, repeat = 1): Promise<void> {
		const control = repeat > 1 ? 'burst' : 'write';
		const step: Step = { op: 'write', cpu: this.cpu, size, ctx };
		return this.#act(control, repeat > 1 ? { ...step, repeat } : step);
	}

	consume(count?: number): Promise<void> {
		const cpu = this.cpu;
		const step: Step = { op: 'consume', cpu, ...(count ? { count } : {}) };
		return this.#act('consume', step, (res) => this.#events(cpu, res.events as TraceEvent[]));
	}

	readPage(): Promise<void> {
		const cpu = this.cpu;
		return this.#act('readPage', { op: 'readPage', cpu }, (res) =>
			this.#events(cpu, res.events as TraceEvent[], (res.missed as number) ?? 0)
		);
	}

	/** Maps the whole per-CPU buffer read-only: the meta area, then every sub-buffer by ID. */
	map(): Promise<void> {
		const cpu = this.cpu;
		return this.#enqueue(async () => {
			const nr = this.state.cpus[cpu]!.nrPages + 1;
			const length = wholeMappingBytes(this.state.kernel, this.state.subbufSize, nr);
			const res = await this.#run('map', {
				op: 'map',
				cpu,
				as: this.#freeMapName(cpu),
				length
			});
			if (res.ok && !this.#cursors[cpu]) this.#cursors[cpu] = { id: -1, pos: 0 };
		});
	}

	unmap(): Promise<void> {
		const cpu = this.cpu;
		return this.#enqueue(async () => {
			const mine = this.maps.filter((m) => m.cpu === cpu);
			await this.#run('unmap', { op: 'unmap', map: mine.at(-1)?.name ?? `cpu${cpu}` });
			if (!this.maps.some((m) => m.cpu === cpu)) this.#cursors[cpu] = undefined;
		});
	}

	/**
	 * TRACE_MMAP_IOCTL_GET_READER (a system call to the engine Worker), then user space reads
	 * what it handed over through its mapping, in place.
	 */
	getReader(): Promise<void> {
		const cpu = this.cpu;
		return this.#act('getReader', { op: 'getReader', cpu }, () => {
			const m = this.mapOf(cpu);
			const cursor = this.#cursors[cpu];
			if (!m || !cursor) return;
			const handed = takeHandedEvents(this.ring, m, this.maps, cursor);
			this.#events(cpu, handed.events, handed.missed);
		});
	}

	/** Arms the snapshot buffer once (echo 1 > snapshot allocates it), then swaps this CPU. */
	snapshot(): Promise<void> {
		const cpu = this.cpu;
		return this.#enqueue(async () => {
			if (!this.snapshotArmed) {
				if (!(await this.#run('snapshot', { op: 'snapshotArm' })).ok) return;
				this.snapshotArmed = true;
			}
			await this.#run('snapshot', { op: 'snapshot', cpu });
		});
	}

	freeSnapshot(): Promise<void> {
		return this.#act(
			'snapshotFree',
			{ op: 'snapshotFree' },
			() => (this.snapshotArmed = false)
		);
	}

	resize(subbufs: number): Promise<void> {
		return this.#act('resize', { op: 'resize', cpu: this.cpu, subbufs });
	}

	setOrder(order: number): Promise<void> {
		return this.#act('subbufOrder', { op: 'subbufOrder', order });
	}

	reset(): Promise<void> {
		return this.#act('reset', { op: 'reset', cpu: this.cpu });
	}

	setTracing(on: boolean): Promise<void> {
		return this.#act('tracing', { op: 'tracing', on });
	}

	/** Starts the continuous writer on this CPU (or every CPU) at `settings.rate` events/s. */
	startWriter(settings: WriterSettings): Promise<void> {
		return this.#enqueue(() => {
			this.before = null;
			const cpus = settings.allCpus ? this.state.cpus.map((c) => c.cpu) : [this.cpu];
			const maxSize = this.state.subbufSize - 24; // BUF_MAX_DATA_SIZE
			const refusal = this.writer.start(this.transport ?? 'copy', cpus, settings, maxSize);
			this.outcome = refusal
				? { control: 'writer', ok: false, errno: 'EINVAL', message: refusal, warnings: [] }
				: null;
			if (!refusal) this.#say('action', `# ${this.writer.describe()}`);
			this.#status();
		});
	}

	stopWriter(): Promise<void> {
		return this.#enqueue(async () => {
			if (!this.writer.running) return;
			await this.writer.stop();
			this.offTimeline += this.writer.total;
			this.#say(
				'action',
				`# continuous writer stopped: ${count(this.writer.total, 'event')} written`
			);
			if (this.writer.mode === 'threads') {
				// The threads wrote outside any recorded step: what they did cannot be replayed.
				await this.#timelineCall({ fn: 'restart' });
				this.#say(
					'action',
					'# the timeline starts again here: writer threads are real concurrency and cannot be replayed'
				);
			}
			this.#refresh();
		});
	}

	/**
	 * Moves to position n of the timeline (0 = the machine as it was built); resolves with the
	 * engine's refusal (a position outside the timeline), or null.
	 */
	seek(n: number): Promise<string | null> {
		return this.#travel({ fn: 'seek', to: n });
	}

	back(): Promise<string | null> {
		return this.#travel({ fn: 'back' });
	}

	forward(): Promise<void> {
		return this.#enqueue(async () => void (await this.#timelineCall({ fn: 'forward' })));
	}

	/**
	 * Starts a concurrent context, paused before its first atomic step: a writer (task, irq, nmi)
	 * on `cpu`, a reader, user space (GET_READER) or a snapshot swap.
	 */
	spawn(spec: SpawnSpec): Promise<void> {
		return this.#enqueue(async () => {
			const as = this.#freeContextName(spec.ctx);
			const step = { op: 'spawn', as, cpu: spec.cpu, ctx: spec.ctx, do: spec.do } as Step;
			await this.#timelineApply('spawn', step);
		});
	}

	/**
	 * One step forward in time: through the kept future after a step back; at the end, one atomic
	 * step of `ctx`, or of the context that must go first (the innermost writer that can run).
	 */
	step(ctx?: string): Promise<string | null> {
		if (ctx) return this.stepContext(ctx);
		let refusal: string | null = null;
		return this.#enqueue(async () => {
			if (this.hold) return void (refusal = this.hold);
			if (this.timeline.position < this.timeline.length) {
				refusal = (await this.#timelineCall({ fn: 'forward' })).error ?? null;
				return;
			}
			const runnable = this.timeline.contexts.filter((c) => !c.blocked);
			const next = runnable.reduce<(typeof runnable)[number] | undefined>(
				(best, c) => (!best || c.depth >= best.depth ? c : best),
				undefined
			);
			if (!next) return void (refusal = 'nothing to step');
			const res = await this.#timelineApply('step', { op: 'step', ctx: next.name });
			if (!res.ok) refusal = res.message ?? res.errno ?? 'refused';
		}).then(() => refusal);
	}

	/** Whether Step has anything to do: a kept future, or a context that can run. */
	get canStep(): boolean {
		const t = this.timeline;
		if (this.hold) return false;
		return t.position < t.length || t.contexts.some((c) => !c.blocked);
	}

	/** Runs `n` atomic steps of context `name` (refused while a context nested on it runs). */
	stepContext(name: string, n = 1): Promise<string | null> {
		const step = (n > 1 ? { op: 'step', ctx: name, n } : { op: 'step', ctx: name }) as Step;
		let refusal: string | null = null;
		return this.#enqueue(async () => {
			const res = await this.#timelineApply('step', step);
			if (!res.ok) refusal = res.message ?? res.errno ?? 'refused';
		}).then(() => refusal);
	}

	/** A move in time, queued; resolves with the engine's refusal, or null. */
	#travel(call: TimelineCall): Promise<string | null> {
		let refusal: string | null = null;
		return this.#enqueue(async () => {
			refusal = (await this.#timelineCall(call)).error ?? null;
		}).then(() => refusal);
	}

	/** Runs context `name` to its end. */
	finishContext(name: string): Promise<void> {
		const step = { op: 'finish', ctx: name } as Step;
		return this.#enqueue(async () => void (await this.#timelineApply('step', step)));
	}

	/** The next (or previous) position with an interesting moment of `kinds` (all when empty). */
	markAfter(from: number, kinds: readonly string[] = [], dir: 1 | -1 = 1): number {
		const fits = (m: MarkAt) => !kinds.length || m.kinds.some((k) => kinds.includes(k));
		const list = this.marks.filter(fits).map((m) => m.position);
		return dir > 0
			? (list.find((p) => p > from) ?? -1)
			: (list.filter((p) => p < from).at(-1) ?? -1);
	}

	/**
	 * Loads a scenario (spec §2): a new machine with its config, every step applied and recorded,
	 * then shown at position `at` (its end when null). Refuses a malformed scenario in plain words
	 * and then leaves the lab as it was; a bad `at` is refused too, with the scenario loaded and
	 * shown at its start.
	 */
	load(input: unknown, at: number | null = null): Promise<LoadOutcome> {
		let parsed: Scenario;
		try {
			parsed = parseScenario(input);
		} catch (e) {
			const message =
				e instanceof FormatError ? `the scenario is malformed at ${e.message}` : String(e);
			return Promise.resolve({ ok: false, message });
		}
		let out: LoadOutcome = { ok: false, message: 'not loaded' };
		return this.#enqueue(async () => {
			if (this.writer.running) await this.writer.stop();
			const r = await this.#client!.timeline({ fn: 'load', scenario: input });
			if (r.error || !r.load) {
				out = { ok: false, message: r.error ?? 'the engine did not load it' };
				return;
			}
			const c = parsed.config;
			this.setup = {
				kernel: c.kernel,
				cpus: c.cpus,
				subbufsPerCpu: c.subbufsPerCpu,
				subbufOrder: c.subbufOrder,
				overwrite: c.overwrite
			};
			this.scenario = parsed;
			this.offTimeline = 0;
			this.starts = r.load.starts;
			this.#cursors = [];
			this.snapshotArmed = parsed.config.snapshot;
			this.selected = null;
			this.highlighted = null;
			this.outcome = null;
			this.cpu = Math.min(this.cpu, c.cpus - 1);
			this.marks = [];
			const end = r.view.length;
			const to = at ?? end;
			this.#say('action', `# loaded "${parsed.title ?? 'scenario'}": ${count(end, 'step')}`);
			if (r.load.stopped) this.#say('warning', `# stopped early: ${r.load.stopped}`);
			// Through the step before: the drawing marks what the step it opens at changed.
			if (to > 0 && to <= end) await this.#timelineCall({ fn: 'seek', to: to - 1 });
			const moved = await this.#timelineCall({ fn: 'seek', to });
			if (to === 0) this.before = null;
			if (moved.error) {
				// Loaded, but not at a position it has: shown from its start (a lesson's intro)
				await this.#timelineCall({ fn: 'seek', to: 0 });
				this.before = null;
				this.outcome = null;
				out = { ok: false, message: moved.error };
				return;
			}
			out = {
				ok: true,
				length: end,
				stopped: r.load.stopped,
				mismatches: r.load.mismatches ?? []
			};
			this.mismatches = out.mismatches;
		}).then(() => out);
	}

	/** The history as a scenario document that replays it exactly, or why it cannot be shared. */
	async share(): Promise<{ scenario: Record<string, unknown> } | { error: string }> {
		const r = await this.#ask({ fn: 'share' });
		return r.scenario ? { scenario: r.scenario } : { error: r.error ?? 'nothing to share' };
	}

	/**
	 * A timeline question asked outside the command queue (it changes nothing), after every
	 * command sent before it. A new machine built meanwhile stops the engine that was asked: the
	 * question goes to the new one, which is what the page shows.
	 */
	async #ask(call: TimelineCall): Promise<Extract<Reply, { type: 'timeline' }>> {
		for (;;) {
			await this.#queue;
			const client = this.#client!;
			try {
				return await client.timeline(call);
			} catch (e) {
				if (client === this.#client) throw e;
			}
		}
	}

	/** Every action of the history (for the URL and `window.ringlab`). */
	async actions(): Promise<Step[]> {
		return (await this.#ask({ fn: 'actions' })).actions ?? [];
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
		return pageRecords(this.ring, structOf(this.ring, 0, cpu), page);
	}

	/** The payload of a data record as hex, or null when the bytes cannot be located safely. */
	payload(cpu: number, page: number, record: DecodedRecord): string | null {
		const bytes = this.#subbufBytes(cpu, page);
		if (!bytes || record.dataOffset === undefined || record.dataLength === undefined)
			return null;
		const start = 16 + record.dataOffset;
		return hex(bytes.subarray(start, start + record.dataLength));
	}

	/**
	 * One sub-buffer's bytes in the engine's state. The engine exports no helper for this yet
	 * (its subbufOff is internal), so this follows the state layout published on `ring.L` and
	 * checks the header it finds against describePage before trusting it.
	 */
	#subbufBytes(cpu: number, page: number): Uint8Array | null {
		const ring = this.ring;
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
			if (!this.maps.some((m) => m.name === name)) return name;
		}
	}

	#freeContextName(ctx: string): string {
		const taken = this.timeline.contexts.map((c) => c.name);
		for (let k = 1; ; k++) if (!taken.includes(`${ctx}${k}`)) return `${ctx}${k}`;
	}

	/** A timeline call: adopts its view, the entry that led here and, when they changed, the marks. */
	async #timelineCall(call: TimelineCall): Promise<Extract<Reply, { type: 'timeline' }>> {
		const was = this.timeline.position;
		const drawn = this.rings;
		const r = await this.#client!.timeline(call);
		if (r.error)
			this.outcome = {
				control: 'timeline',
				ok: false,
				errno: 'EINVAL',
				message: r.error,
				warnings: []
			};
		await this.#adoptView(r.view);
		this.current = r.current;
		this.#refresh();
		if (r.view.position !== was) this.before = drawn;
		return r;
	}

	/** Applies a step through the timeline, with its outcome next to `control` and in the log. */
	async #timelineApply(control: ControlId, step: Step): Promise<StepResult> {
		const r = await this.#timelineCall({ fn: 'apply', step });
		const res = r.results?.at(-1) ?? { ok: false, warnings: [] };
		this.#outcome(control, step, res);
		return res;
	}

	/** The CPU of every context seen on this machine, by name (kept after it finished). */
	#contextCpus = new SvelteMap<string, number>();

	/** The CPU context `name` runs on, if one of that name was seen on this machine. */
	cpuOfContext(name: string): number | undefined {
		return this.#contextCpus.get(name);
	}

	async #adoptView(view: TimelineView): Promise<void> {
		for (const c of view.contexts) this.#contextCpus.set(c.name, c.cpu);
		const grew = view.length !== this.timeline.length || view.position > this.timeline.length;
		this.timeline = view;
		if (grew || !view.length)
			this.marks = (await this.#client!.timeline({ fn: 'marks' })).marks ?? [];
	}

	/** (Re)starts the engine Worker with the current setup. */
	async #boot(): Promise<void> {
		if (this.writer.running) await this.writer.stop();
		this.#client?.terminate();
		this.#client = await EngineClient.start({ ...this.setup, snapshot: false });
		this.transport = this.#client.transport;
		this.before = null;
		this.offTimeline = 0;
		this.#refresh();
	}

	/** Queues `fn` after every command sent before it; a failure puts the page in `error`. */
	#enqueue(fn: () => Promise<void> | void): Promise<void> {
		this.#inFlight++;
		this.#status();
		const run = this.#queue.then(fn).catch((e: unknown) => {
			this.error = e instanceof Error ? e.message : String(e);
		});
		this.#queue = run.finally(() => {
			this.#inFlight--;
			this.#status();
		});
		return this.#queue as Promise<void>;
	}

	/** One control, one step: queued, run, then `then` with its result when it succeeded. */
	#act(control: ControlId, step: Step, then?: (res: StepResult) => void): Promise<void> {
		return this.#enqueue(async () => {
			const res = await this.#run(control, step);
			if (res.ok) then?.(res);
		});
	}

	/**
	 * One control's step, recorded on the timeline; while writer threads write behind the engine's
	 * back nothing can be replayed, so it goes as a plain system call instead.
	 */
	async #run(control: ControlId, step: Step): Promise<StepResult> {
		if (!this.writer.running || this.writer.mode !== 'threads')
			return this.#timelineApply(control, step);
		const res = await this.#client!.apply(step);
		this.#outcome(control, step, res);
		await this.#adoptView(this.#client!.view);
		this.current = null;
		this.#refresh();
		return res;
	}

	#outcome(control: ControlId, step: Step, res: StepResult): void {
		const warnings = res.warnings.map((w) => w.message);
		const message = res.message === undefined ? undefined : res.message + partial(res);
		this.outcome = { control, ok: res.ok, errno: res.errno, message, warnings };
		this.#say(res.ok ? 'action' : 'refusal', `# ${describeStep(step)} -> ${resultText(res)}`);
		for (const w of warnings) this.#say('warning', `# WARNING: ${w}`);
	}

	#status(): void {
		if (this.error || this.violations.length) this.engine = 'error';
		else if (!this.state || this.#arrival) this.engine = 'starting';
		else
			this.engine =
				this.#inFlight > 0 || this.writer.running || moving() ? 'running' : 'idle';
	}

	#events(cpu: number, events: readonly TraceEvent[], missed = 0): void {
		for (const line of traceLines(cpu, events, missed))
			this.#say(line.startsWith('CPU:') ? 'lost' : 'event', line);
	}

	#say(kind: LogLine['kind'], text: string): void {
		const log = [...this.log, { id: ++this.#lineId, kind, text }];
		this.log = log.length > LOG_LIMIT ? log.slice(log.length - LOG_LIMIT) : log;
	}

	/**
	 * Re-reads what the page draws from the engine state in place: the rings, the mappings and
	 * every mapped CPU's meta page (through the mapping, as user space reads it). While writer
	 * threads run, what it reads can be late and mid-write, so invariants are checked only when
	 * no writer runs.
	 */
	#sample(rings = true): void {
		const ring = this.ring;
		this.state = describeRing(ring);
		this.snapshotBuffer = describeSnapshot(ring);
		if (rings) {
			this.rings = this.state.cpus;
			this.#drawnWrites = this.rings.map((c) => writerProgress(ring, c.cpu));
		}
		this.#readoutAt = performance.now();
		this.maps = this.#client!.maps;
		const meta: (MetaFields | undefined)[] = [];
		for (const m of this.maps)
			if (m.pgoff === 0 && !meta[m.cpu]) meta[m.cpu] = readMetaPage(ring, m);
		this.meta = meta;
		const sel = this.selected;
		if (sel && !this.state.cpus[sel.cpu]?.pages[sel.page]) this.selected = null;
	}

	/**
	 * One animation frame while the continuous writer runs: the next few CPUs' rings (see
	 * ringsPerFrame), or, every READOUT_MS, the numbers instead.
	 */
	#frame(): void {
		const ring = this.ring;
		const n = ring.L.cpus;
		if (this.rings.length !== n) return this.#sample();
		// A frame that re-reads the numbers leaves the rings as they are: no frame does both.
		if (performance.now() - this.#readoutAt >= READOUT_MS) return this.#sample(false);
		const rings = [...this.rings];
		const most = Math.max(...rings.map((c) => c.nrPages));
		const turn = ringsPerFrame(n, most);
		// Each ring at most once in its share of the frames (a ring a writer fills flat out
		// changes all its sectors), and only when writers moved it since it was drawn.
		const share = Math.ceil(n / turn);
		const frame = ++this.#frames;
		let drawn = 0;
		let k = 0;
		for (; k < n && drawn < turn; k++) {
			const c = (this.#nextRing + k) % n;
			if (frame - (this.#drawnAt[c] ?? -Infinity) < share) continue;
			const writes = writerProgress(ring, c);
			if (writes === this.#drawnWrites[c]) continue;
			this.#drawnWrites[c] = writes;
			this.#drawnAt[c] = frame;
			rings[c] = describeCpu(ring, c);
			drawn++;
		}
		this.#nextRing = (this.#nextRing + k) % n;
		if (drawn) this.rings = rings;
	}

	#refresh(): void {
		this.#sample();
		if (!this.writer.running || this.transport === 'copy')
			this.violations = checkInvariants(this.ring);
		this.#status();
	}
}
