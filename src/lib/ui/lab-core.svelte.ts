// What every control of the lab shares: its parts (the session with the engine, the log, the
// frame sampler, the continuous writer), the lab's own state (the setup, the chosen CPU and
// sub-buffer, the last outcome, the scenario loaded), and how one control's step is run,
// recorded on the timeline, logged and drawn. The controls themselves are Lab's
// (simulation.svelte.ts).
import {
	checkInvariants,
	type ConsumerCursor,
	type CpuState,
	type Ring,
	type RingState,
	type Step,
	type StepResult,
	type Violation
} from '$lib/ring';
import type { TimelineCall, TimelineView } from '$lib/worker/protocol';
import type { Scenario } from '$lib/session';
import { count } from '$lib/text/plural';
import { moving, onMotion } from '$lib/viz/motion';
import { ContinuousWriter } from './continuous-writer.svelte';
import { EventLog } from './event-log.svelte';
import { FrameSampler } from './frame-sampler.svelte';
import { LabSession, type TimelineReply } from './lab-session.svelte';
import {
	DEFAULT_SETUP,
	type ControlId,
	type EngineStatus,
	type LabSetup,
	type LoadOutcome,
	type Outcome
} from './lab-types';
import { describeStep, partial, resultText } from '$lib/text/step-text';

export class LabCore {
	setup: LabSetup = $state.raw(DEFAULT_SETUP);
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
	outcome: Outcome | null = $state.raw(null);
	violations: Violation[] = $state.raw([]);
	/** The CPU the controls act on. */
	cpu = $state(0);
	/** The sub-buffer in the inspector, and the one a pgoff points at. */
	selected: { cpu: number; page: number } | null = $state.raw(null);
	highlighted: { cpu: number; page: number } | null = $state.raw(null);
	snapshotArmed = $state(false);
	engine: EngineStatus = $state('starting');
	/** The scenario loaded last (a lesson, a shared link), null for a machine built by hand. */
	scenario: Scenario | null = $state.raw(null);
	/** The failed expectations of `scenario` (what makes `ringlab run` exit 1); [] when all held. */
	mismatches: string[] = $state.raw([]);
	/** Where each step of `scenario` starts on the timeline (starts[i] = before step i). */
	starts: number[] = $state.raw([0]);
	/** Why Step waits (a lesson's question not answered yet), or null. */
	hold: string | null = $state(null);
	readonly session = new LabSession(() => this.status());
	readonly eventLog = new EventLog();
	readonly sampler = new FrameSampler();
	/** The continuous writer (free-running writer threads, or batches through the engine). */
	readonly writer: ContinuousWriter;
	/** What each CPU's user-space consumer has read so far (libtracefs keeps the same). */
	protected cursors: (ConsumerCursor | undefined)[] = [];

	constructor(setup: Partial<LabSetup> = {}) {
		this.setup = { ...DEFAULT_SETUP, ...setup };
		const client = () => this.session.started;
		this.writer = new ContinuousWriter({
			apply: (step) => this.session.client.apply(step),
			startThreads: (cpus, rate, size) => client()?.startWriters(cpus, rate, size) ?? false,
			stopThreads: () => client()?.stopWriters() ?? Promise.resolve(),
			written: (cpu) => client()?.written(cpu) ?? 0,
			sample: () => this.sample(),
			frame: () => {
				if (this.sampler.frame(this.ring, this.session.client.maps))
					this.dropStaleSelection();
			}
		});
		void this.session.enqueue(() => this.boot());
		onMotion(() => this.status());
	}

	/** The engine's state as last read out: null until the engine Worker has answered. */
	get state(): RingState {
		return this.sampler.state;
	}

	/** Where the engine's timeline is: position, length, a freeze, the in-flight contexts. */
	get timeline(): TimelineView {
		return this.session.timeline;
	}

	/** The engine state as this thread sees it (a view of the shared buffer, or the last copy). */
	get ring(): Ring {
		return this.session.client.ring;
	}

	/** See LabSession.idle. */
	idle(): Promise<void> {
		return this.session.idle();
	}

	/** See LabSession.arrive. */
	arrive(work: () => Promise<unknown>): void {
		this.session.arrive(work);
	}

	/** The CPU context `name` runs on, if one of that name was seen on this machine. */
	cpuOfContext(name: string): number | undefined {
		return this.session.cpuOfContext(name);
	}

	/** What a new machine or a loaded scenario starts without: cursors, selection, outcome. */
	protected forgetMachine(snapshotArmed: boolean): void {
		this.cursors = [];
		this.snapshotArmed = snapshotArmed;
		this.selected = null;
		this.highlighted = null;
		this.outcome = null;
		this.cpu = Math.min(this.cpu, this.setup.cpus - 1);
	}

	/** A loaded scenario shown at `at` (its end when null), or at its start when `at` is refused. */
	protected async showLoaded(
		parsed: Scenario,
		r: TimelineReply,
		at: number | null
	): Promise<LoadOutcome> {
		const end = r.view.length;
		const to = at ?? end;
		this.eventLog.say(
			'action',
			`# loaded "${parsed.title ?? 'scenario'}": ${count(end, 'step')}`
		);
		if (r.load!.stopped) this.eventLog.say('warning', `# stopped early: ${r.load!.stopped}`);
		// Through the step before: the drawing marks what the step it opens at changed.
		if (to > 0 && to <= end) await this.timelineCall({ fn: 'seek', to: to - 1 });
		const moved = await this.timelineCall({ fn: 'seek', to });
		if (to === 0) this.before = null;
		if (moved.error) {
			// Loaded, but not at a position it has: shown from its start (a lesson's intro)
			await this.timelineCall({ fn: 'seek', to: 0 });
			this.before = null;
			this.outcome = null;
			return { ok: false, message: moved.error };
		}
		this.mismatches = r.load!.mismatches ?? [];
		return { ok: true, length: end, stopped: r.load!.stopped, mismatches: this.mismatches };
	}

	/** A timeline call: adopts its view, the entry that led here and, when they changed, the marks. */
	protected async timelineCall(call: TimelineCall): Promise<TimelineReply> {
		const was = this.timeline.position;
		const drawn = this.sampler.rings;
		const r = await this.session.call(call);
		if (r.error)
			this.outcome = {
				control: 'timeline',
				ok: false,
				errno: 'EINVAL',
				message: r.error,
				warnings: []
			};
		this.refresh();
		if (r.view.position !== was) this.before = drawn;
		return r;
	}

	/** Applies a step through the timeline, with its outcome next to `control` and in the log. */
	protected async timelineApply(control: ControlId, step: Step): Promise<StepResult> {
		const r = await this.timelineCall({ fn: 'apply', step });
		const res = r.results?.at(-1) ?? { ok: false, warnings: [] };
		this.recordOutcome(control, step, res);
		return res;
	}

	/** A move in time, queued; resolves with the engine's refusal, or null. */
	protected travel(call: TimelineCall): Promise<string | null> {
		let refusal: string | null = null;
		return this.session
			.enqueue(async () => {
				refusal = (await this.timelineCall(call)).error ?? null;
			})
			.then(() => refusal);
	}

	/** (Re)starts the engine Worker with the current setup. */
	protected async boot(): Promise<void> {
		if (this.writer.running) await this.writer.stop();
		await this.session.start({ ...this.setup, snapshot: false });
		this.before = null;
		this.offTimeline = 0;
		this.refresh();
	}

	/** One control, one step: queued, run, then `then` with its result when it succeeded. */
	protected act(control: ControlId, step: Step, then?: (res: StepResult) => void): Promise<void> {
		return this.session.enqueue(async () => {
			const res = await this.run(control, step);
			if (res.ok) then?.(res);
		});
	}

	/**
	 * One control's step, recorded on the timeline; while writer threads write behind the engine's
	 * back nothing can be replayed, so it goes as a plain system call instead.
	 */
	protected async run(control: ControlId, step: Step): Promise<StepResult> {
		if (!this.writer.running || this.writer.mode !== 'threads')
			return this.timelineApply(control, step);
		const res = await this.session.client.apply(step);
		this.recordOutcome(control, step, res);
		await this.session.adopt(this.session.client.view);
		this.session.current = null;
		this.refresh();
		return res;
	}

	protected recordOutcome(control: ControlId, step: Step, res: StepResult): void {
		const warnings = res.warnings.map((w) => w.message);
		const message = res.message === undefined ? undefined : res.message + partial(res);
		this.outcome = { control, ok: res.ok, errno: res.errno, message, warnings };
		const line = `# ${describeStep(step)} -> ${resultText(res)}`;
		this.eventLog.say(res.ok ? 'action' : 'refusal', line);
		for (const w of warnings) this.eventLog.say('warning', `# WARNING: ${w}`);
	}

	protected status(): void {
		if (this.session.error || this.violations.length) this.engine = 'error';
		else if (!this.state || this.session.arriving) this.engine = 'starting';
		else
			this.engine = this.session.busy || this.writer.running || moving() ? 'running' : 'idle';
	}

	/** Re-reads what the page draws (see FrameSampler.sample); drops a selection now gone. */
	protected sample(rings = true): void {
		this.sampler.sample(this.ring, this.session.client.maps, rings);
		this.dropStaleSelection();
	}

	protected dropStaleSelection(): void {
		const sel = this.selected;
		if (sel && !this.state.cpus[sel.cpu]?.pages[sel.page]) this.selected = null;
	}

	/**
	 * Re-reads everything; while writer threads run what it reads can be late and mid-write, so
	 * invariants are checked only when no writer runs.
	 */
	protected refresh(): void {
		this.sample();
		if (!this.writer.running || this.session.transport === 'copy')
			this.violations = checkInvariants(this.ring);
		this.status();
	}
}
