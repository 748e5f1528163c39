/**
 * The engine side of the Worker protocol: handle(command) -> reply, pure and testable in Node.
 * Owns one Timeline (a Simulation with its history, for time travel): `timeline` commands
 * record into it; the plain `apply` and `applyAll` (the free-running mode's path) do not, and
 * restart its history from the state they leave. With the shared transport its state is a SharedArrayBuffer the page reads in
 * place; a re-layout (resize, sub-buffer order, snapshot allocation, or a seek across one) hands
 * the page the new one. With the copying transport every reply carries a copy of the state.
 */
import { FormatError, runScenario, type Simulation } from '../ring';
import { historyScenario, parseScenario, Timeline, type Scenario } from '../session';
import { simulationTraceDat } from '../tracedat';
import {
	PROTOCOL_VERSION,
	type Command,
	type MarkAt,
	type Reply,
	type TimelineCall,
	type TimelineView,
	type Transport
} from './protocol';

export class EngineHost {
	private tl: Timeline | null = null;
	private transport: Transport = 'copy';
	/** The scenario the timeline was loaded from (an empty one after init), and its step starts. */
	private base: { scenario: Scenario; starts: number[] } | null = null;
	/** Null while the timeline replays from its config; else why it cannot be shared. */
	private unreplayable: string | null = null;

	get simulation(): Simulation | null {
		return this.tl?.sim ?? null;
	}

	get timeline(): Timeline | null {
		return this.tl;
	}

	handle(cmd: Command): Reply {
		try {
			if (cmd.type === 'init') {
				if (cmd.version !== PROTOCOL_VERSION)
					return {
						type: 'error',
						id: cmd.id,
						message: `protocol ${cmd.version} is not ${PROTOCOL_VERSION}`
					};
				this.transport = cmd.transport;
				this.tl = new Timeline(cmd.config, { shared: cmd.transport === 'shared' });
				this.base = {
					scenario: { ringlab: 1, config: this.tl.config, steps: [] },
					starts: [0]
				};
				this.unreplayable = null;
				return {
					type: 'ready',
					id: cmd.id,
					version: PROTOCOL_VERSION,
					transport: this.transport,
					state: this.stateToSend(),
					maps: [...this.tl.sim.maps.values()]
				};
			}
			if (cmd.type === 'traceDat') return traceDatOf(cmd.id, cmd.scenario);
			const tl = this.tl;
			if (!tl) return { type: 'error', id: cmd.id, message: 'the engine is not initialised' };
			if (cmd.type === 'timeline') return this.timelineCall(cmd.id, cmd.call);
			// The plain system-call path (also used with free-running writers): not recorded; the
			// timeline starts again from the state it leaves.
			const before = tl.sim.ring.buf;
			const steps = cmd.type === 'apply' ? [cmd.step] : cmd.steps;
			const results = steps.map((s) => tl.sim.apply(s));
			tl.rebase();
			this.base = { scenario: { ringlab: 1, config: tl.config, steps: [] }, starts: [0] };
			this.unreplayable =
				'the state was changed outside the timeline (system calls beside free-running writers), so it cannot be replayed from a link';
			const moved = tl.sim.ring.buf !== before;
			const maps = [...tl.sim.maps.values()];
			const view = this.view();
			return this.transport === 'copy' || moved
				? { type: 'result', id: cmd.id, results, view, state: this.stateToSend(), maps }
				: { type: 'result', id: cmd.id, results, view, maps };
		} catch (e) {
			return { type: 'error', id: cmd.id, message: (e as Error).message };
		}
	}

	private timelineCall(id: number, call: TimelineCall): Reply {
		let tl = this.tl!;
		const before = tl.sim.ring.buf;
		const extra: Partial<Extract<Reply, { type: 'timeline' }>> = {};
		switch (call.fn) {
			case 'apply':
				extra.results = tl.apply(call.step).results;
				break;
			case 'seek': {
				const r = tl.seek(call.to);
				if (!r.ok) extra.error = r.message;
				break;
			}
			case 'back':
				tl.back();
				break;
			case 'forward':
				tl.forward();
				break;
			case 'load': {
				let loaded;
				let scenario: Scenario;
				try {
					scenario = parseScenario(call.scenario);
					loaded = Timeline.fromScenario(scenario, {
						shared: this.transport === 'shared'
					});
				} catch (e) {
					if (e instanceof FormatError) {
						extra.error = `the scenario is malformed at ${e.message}`;
						break;
					}
					throw e;
				}
				this.tl = tl = loaded;
				this.base = { scenario, starts: loaded.starts };
				this.unreplayable = null;
				extra.load = {
					starts: loaded.starts,
					stopped: loaded.stopped,
					mismatches: expectationFailures(scenario)
				};
				if (call.at !== undefined) {
					const r = tl.seek(call.at);
					if (!r.ok) extra.error = r.message;
				}
				break;
			}
			case 'entries': {
				const out = [];
				const to = Math.min(call.to, tl.length);
				for (let i = Math.max(0, call.from); i < to; i++) out.push(tl.entry(i)!);
				extra.entries = out;
				break;
			}
			case 'marks': {
				const marks: MarkAt[] = [];
				for (let i = 0; i < tl.length; i++) {
					const m = tl.entry(i)!.marks;
					if (m.length)
						marks.push({ position: i + 1, kinds: [...new Set(m.map((x) => x.kind))] });
				}
				extra.marks = marks;
				break;
			}
			case 'actions':
				extra.actions = tl.actions();
				break;
			case 'restart':
				tl.rebase();
				this.unreplayable =
					'writer threads wrote into the shared state outside any recorded step, so this state cannot be replayed from a link';
				break;
			case 'share':
				if (this.unreplayable) extra.error = this.unreplayable;
				else extra.scenario = historyScenario(this.base!.scenario, this.base!.starts, tl);
				break;
			case 'info':
				break;
		}
		const moved = tl.sim.ring.buf !== before;
		return {
			type: 'timeline',
			id,
			view: this.view(),
			current: tl.entry(tl.position - 1) ?? null,
			...extra,
			maps: [...tl.sim.maps.values()],
			...(this.transport === 'copy' || moved ? { state: this.stateToSend() } : {})
		};
	}

	/** Where the timeline is: position, length, freeze and the in-flight contexts. */
	private view(): TimelineView {
		const tl = this.tl!;
		return {
			position: tl.position,
			length: tl.length,
			frozen: tl.frozen,
			contexts: tl.sim.contexts()
		};
	}

	/** The state as the transport sends it: the SAB itself, or a copy. */
	private stateToSend(): SharedArrayBuffer | ArrayBuffer {
		const buf = this.tl!.sim.ring.buf;
		return this.transport === 'shared' ? buf : (buf as ArrayBuffer).slice(0);
	}
}

/**
 * The scenario's failed expectations, as `ringlab run` reports them (it exits 1): the scenario run
 * the CLI's way, which stops at the first failure. Empty when no step expects anything.
 */
export function expectationFailures(scenario: Scenario): string[] {
	if (!scenario.steps.some((s) => s.expect !== undefined)) return [];
	return runScenario(scenario).outcomes.flatMap((o) =>
		o.mismatches.map(
			(m) =>
				`step ${o.index} (${o.step.op}): ${m.path} expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`
		)
	);
}

/** The traceDat command: the scenario parsed, run to its end and drained into a trace.dat. */
function traceDatOf(id: number, raw: unknown): Reply {
	// Like `ringlab run --trace-dat`: the file holds what the run wrote, even when an expect failed.
	return { type: 'traceDat', id, file: simulationTraceDat(runScenario(parseScenario(raw)).sim) };
}
