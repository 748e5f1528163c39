// The page's thin runes adapter over the engine. The engine (the kernel) runs in a Worker; the
// lab plays user space: each control becomes a scenario step (spec §2, built by commands.ts) sent
// through the session's command queue, and what it draws is read from the engine's state in place
// (the frame sampler: with cross-origin isolation the Worker's own SharedArrayBuffer, zero-copy, as
// an mmap consumer reads, so it can be late while writer threads run; without it a copy that
// comes with every reply). The parts and the way a step is run and recorded are LabCore's
// (lab-core.svelte.ts); Lab adds the controls.
import {
	FormatError,
	maxEventData,
	subbufOrderOf,
	takeHandedEvents,
	type Mapping,
	type Step
} from '$lib/ring';
import { parseScenario, type Scenario } from '$lib/session';
import { count } from '$lib/text/plural';
import { wholeMappingBytes } from '$lib/viz/pgoff-strip';
import type { TraceEvent } from '$lib/text/trace-pipe';
import * as cmd from './commands';
import type { WriterSettings } from './continuous-writer.svelte';
import { LabCore } from './lab-core.svelte';
import type { LabSetup, LoadOutcome, SpawnSpec, WriterContext } from './lab-types';

export { DEFAULT_SETUP, sameSetup } from './lab-types';
export type * from './lab-types';

export class Lab extends LabCore {
	/** Builds a new machine: the kernel version, CPU count and overwrite mode are fixed at boot. */
	reconfigure(change: Partial<LabSetup>): Promise<void> {
		return this.session.enqueue(async () => {
			const order = this.state
				? subbufOrderOf(this.state.subbufSize)
				: this.setup.subbufOrder;
			this.setup = { ...this.setup, subbufOrder: order, ...change };
			await this.boot();
			this.session.restart();
			this.scenario = null;
			this.mismatches = [];
			this.starts = [0];
			this.forgetMachine(false);
			const { kernel, cpus, subbufsPerCpu, overwrite } = this.setup;
			this.eventLog.say(
				'action',
				`# new machine: Linux ${kernel}, ${count(cpus, 'CPU')}, ${count(subbufsPerCpu, 'sub-buffer')} each, overwrite ${overwrite ? 'on' : 'off'}`
			);
		});
	}

	write(size: number, ctx: WriterContext, repeat = 1): Promise<void> {
		return this.act(repeat > 1 ? 'burst' : 'write', cmd.writeStep(this.cpu, size, ctx, repeat));
	}

	consume(count?: number): Promise<void> {
		const cpu = this.cpu;
		return this.act('consume', cmd.consumeStep(cpu, count), (res) =>
			this.eventLog.events(cpu, res.events as TraceEvent[])
		);
	}

	readPage(): Promise<void> {
		const cpu = this.cpu;
		return this.act('readPage', { op: 'readPage', cpu }, (res) =>
			this.eventLog.events(cpu, res.events as TraceEvent[], (res.missed as number) ?? 0)
		);
	}

	/** Maps the whole per-CPU buffer read-only: the meta area, then every sub-buffer by ID. */
	map(): Promise<void> {
		const cpu = this.cpu;
		return this.session.enqueue(async () => {
			const nr = this.state.cpus[cpu]!.nrPages + 1;
			const length = wholeMappingBytes(this.state.kernel, this.state.subbufSize, nr);
			const as = cmd.freeMapName(this.sampler.maps, cpu);
			const res = await this.run('map', { op: 'map', cpu, as, length });
			if (res.ok && !this.cursors[cpu]) this.cursors[cpu] = { id: -1, pos: 0 };
		});
	}

	unmap(): Promise<void> {
		const cpu = this.cpu;
		return this.session.enqueue(async () => {
			const mine = this.sampler.maps.filter((m) => m.cpu === cpu);
			await this.run('unmap', { op: 'unmap', map: mine.at(-1)?.name ?? `cpu${cpu}` });
			if (!this.sampler.maps.some((m) => m.cpu === cpu)) this.cursors[cpu] = undefined;
		});
	}

	/**
	 * TRACE_MMAP_IOCTL_GET_READER (a system call to the engine Worker), then user space reads
	 * what it handed over through its mapping, in place.
	 */
	getReader(): Promise<void> {
		const cpu = this.cpu;
		return this.act('getReader', { op: 'getReader', cpu }, () => {
			const m = this.mapOf(cpu);
			const cursor = this.cursors[cpu];
			if (!m || !cursor) return;
			const handed = takeHandedEvents(this.ring, m, this.sampler.maps, cursor);
			this.eventLog.events(cpu, handed.events, handed.missed);
		});
	}

	/** Arms the snapshot buffer once (echo 1 > snapshot allocates it), then swaps this CPU. */
	snapshot(): Promise<void> {
		const cpu = this.cpu;
		return this.session.enqueue(async () => {
			if (!this.snapshotArmed) {
				if (!(await this.run('snapshot', { op: 'snapshotArm' })).ok) return;
				this.snapshotArmed = true;
			}
			await this.run('snapshot', { op: 'snapshot', cpu });
		});
	}

	freeSnapshot(): Promise<void> {
		return this.act('snapshotFree', { op: 'snapshotFree' }, () => (this.snapshotArmed = false));
	}

	resize(subbufs: number): Promise<void> {
		return this.act('resize', { op: 'resize', cpu: this.cpu, subbufs });
	}

	setOrder(order: number): Promise<void> {
		return this.act('subbufOrder', { op: 'subbufOrder', order });
	}

	reset(): Promise<void> {
		return this.act('reset', { op: 'reset', cpu: this.cpu });
	}

	setTracing(on: boolean): Promise<void> {
		return this.act('tracing', { op: 'tracing', on });
	}

	/** Starts the continuous writer on this CPU (or every CPU) at `settings.rate` events/s. */
	startWriter(settings: WriterSettings): Promise<void> {
		return this.session.enqueue(() => {
			this.before = null;
			const cpus = settings.allCpus ? this.state.cpus.map((c) => c.cpu) : [this.cpu];
			const maxSize = maxEventData(this.state.subbufSize);
			const refusal = this.writer.start(
				this.session.transport ?? 'copy',
				cpus,
				settings,
				maxSize
			);
			this.outcome = refusal
				? { control: 'writer', ok: false, errno: 'EINVAL', message: refusal, warnings: [] }
				: null;
			if (!refusal) this.eventLog.say('action', `# ${this.writer.describe()}`);
			this.status();
		});
	}

	stopWriter(): Promise<void> {
		return this.session.enqueue(async () => {
			if (!this.writer.running) return;
			await this.writer.stop();
			this.offTimeline += this.writer.total;
			const written = count(this.writer.total, 'event');
			this.eventLog.say('action', `# continuous writer stopped: ${written} written`);
			if (this.writer.mode === 'threads') {
				// The threads wrote outside any recorded step: what they did cannot be replayed.
				await this.timelineCall({ fn: 'restart' });
				this.eventLog.say(
					'action',
					'# the timeline starts again here: writer threads are real concurrency and cannot be replayed'
				);
			}
			this.refresh();
		});
	}

	/**
	 * Moves to position n of the timeline (0 = the machine as it was built); resolves with the
	 * engine's refusal (a position outside the timeline), or null.
	 */
	seek(n: number): Promise<string | null> {
		return this.travel({ fn: 'seek', to: n });
	}

	back(): Promise<string | null> {
		return this.travel({ fn: 'back' });
	}

	forward(): Promise<void> {
		return this.session.enqueue(async () => void (await this.timelineCall({ fn: 'forward' })));
	}

	/**
	 * Starts a concurrent context, paused before its first atomic step: a writer (task, irq, nmi)
	 * on `cpu`, a reader, user space (GET_READER) or a snapshot swap.
	 */
	spawn(spec: SpawnSpec): Promise<void> {
		return this.session.enqueue(async () => {
			const as = cmd.freeContextName(this.timeline.contexts, spec.ctx);
			await this.timelineApply('spawn', cmd.spawnStep(spec, as));
		});
	}

	/**
	 * One step forward in time: through the kept future after a step back; at the end, one atomic
	 * step of `ctx`, or of the context that must go first (the innermost writer that can run).
	 */
	step(ctx?: string): Promise<string | null> {
		if (ctx) return this.stepContext(ctx);
		let refusal: string | null = null;
		return this.session
			.enqueue(async () => {
				if (this.hold) return void (refusal = this.hold);
				if (this.timeline.position < this.timeline.length) {
					refusal = (await this.timelineCall({ fn: 'forward' })).error ?? null;
					return;
				}
				const next = cmd.nextRunnable(this.timeline.contexts);
				if (!next) return void (refusal = 'nothing to step');
				const res = await this.timelineApply('step', cmd.stepOf(next.name));
				if (!res.ok) refusal = cmd.refusalOf(res);
			})
			.then(() => refusal);
	}

	/** Runs `n` atomic steps of context `name` (refused while a context nested on it runs). */
	stepContext(name: string, n = 1): Promise<string | null> {
		let refusal: string | null = null;
		return this.session
			.enqueue(async () => {
				const res = await this.timelineApply('step', cmd.stepOf(name, n));
				if (!res.ok) refusal = cmd.refusalOf(res);
			})
			.then(() => refusal);
	}

	/** Runs context `name` to its end. */
	finishContext(name: string): Promise<void> {
		const step = cmd.finishStep(name);
		return this.session.enqueue(async () => void (await this.timelineApply('step', step)));
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
		return this.session
			.enqueue(async () => {
				if (this.writer.running) await this.writer.stop();
				const r = await this.session.client.timeline({ fn: 'load', scenario: input });
				if (r.error || !r.load) {
					out = { ok: false, message: r.error ?? 'the engine did not load it' };
					return;
				}
				this.setup = cmd.setupOf(parsed.config);
				this.scenario = parsed;
				this.offTimeline = 0;
				this.starts = r.load.starts;
				this.forgetMachine(parsed.config.snapshot);
				this.session.marks = [];
				out = await this.showLoaded(parsed, r, at);
			})
			.then(() => out);
	}

	/** The history as a scenario document that replays it exactly, or why it cannot be shared. */
	async share(): Promise<{ scenario: Record<string, unknown> } | { error: string }> {
		const r = await this.session.ask({ fn: 'share' });
		return r.scenario ? { scenario: r.scenario } : { error: r.error ?? 'nothing to share' };
	}

	/** Every action of the history (for the URL and `window.ringlab`). */
	async actions(): Promise<Step[]> {
		return (await this.session.ask({ fn: 'actions' })).actions ?? [];
	}

	select(cpu: number, page: number): void {
		this.cpu = cpu;
		this.selected = { cpu, page };
	}

	/** The first mapping of `cpu` that covers its meta page. */
	mapOf(cpu: number): Mapping | undefined {
		return this.sampler.maps.find((m) => m.cpu === cpu && m.pgoff === 0);
	}
}
