// `window.ringlab` (spec §4): scripts, tutorials and Playwright drive the lab through it. Every
// call returns a promise that settles once the engine Worker has answered and the page has drawn
// the result.
import type { RingState } from '$lib/ring';
import { hex } from '$lib/text/hex';
import type { TimelineView } from '$lib/worker/protocol';
import {
	backRefusal,
	callText,
	refusalError,
	seekRefusal,
	stepRefusal,
	type ApiSituation
} from './api-refusals';
import type { EngineInfo, Lab, LoadOutcome } from './simulation.svelte';

/** Where the timeline is after a call. */
export type TimelineInfo = Omit<TimelineView, 'contexts'> & { contexts: string[] };

export interface RinglabApi {
	version: number;
	/**
	 * Loads a scenario (an object or JSON text) and shows its start (position 0); rejects a
	 * malformed one (where and why). Its `expect`s are kept: see run().
	 */
	load(scenario: unknown): Promise<Extract<LoadOutcome, { ok: true }>>;
	/**
	 * Runs to the end of the timeline (what `ringlab run` does); resolves with the final state, or
	 * rejects, as the CLI exits 1, when an expectation of the loaded scenario failed.
	 */
	run(): Promise<RingState>;
	/** One step forward in time, or one atomic step of context `ctx`. */
	step(ctx?: string): Promise<TimelineInfo>;
	back(): Promise<TimelineInfo>;
	/** Moves to timeline position n. */
	seek(n: number): Promise<TimelineInfo>;
	state(): Promise<RingState>;
	idle(): Promise<void>;
	/** How the page reads the engine (ringlab's addition to spec §4). */
	engine(): Promise<EngineInfo>;
	/** Every byte of the engine state as hex, for comparing two states exactly (ringlab's addition). */
	stateHex(): Promise<string>;
	/** The history as a scenario that replays it (ringlab's addition; the URL carries the same). */
	share(): ReturnType<Lab['share']>;
}

declare global {
	interface Window {
		ringlab?: RinglabApi;
	}
}

export const PAGE_API_VERSION = 1;

/** Publishes `window.ringlab` for `lab`. Every call that cannot do what was asked rejects. */
export function installPageApi(lab: Lab): void {
	const info = async (): Promise<TimelineInfo> => {
		await lab.idle();
		const t = lab.timeline;
		return { ...t, contexts: t.contexts.map((c) => c.name) };
	};
	/** What the checks look at, once every command sent before has been answered. */
	const situation = async (): Promise<ApiSituation> => {
		await lab.idle();
		return {
			timeline: lab.timeline,
			hold: lab.hold,
			threadsRunning: lab.writer.running && lab.writer.mode === 'threads'
		};
	};
	/** Runs `go` unless `check` refuses; rejects with the check's or the engine's reason. */
	const guarded = async (
		call: string,
		check: (s: ApiSituation) => string | null,
		go: () => Promise<string | null>
	): Promise<TimelineInfo> => {
		const why = check(await situation());
		if (why) throw refusalError(call, why);
		const refused = await go();
		if (refused) throw refusalError(call, refused);
		return info();
	};
	window.ringlab = {
		version: PAGE_API_VERSION,
		load: async (scenario) => {
			const r = await lab.load(scenario, 0);
			if (!r.ok) throw refusalError('load()', r.message);
			return r;
		},
		run: async () => {
			await lab.idle();
			const why = seekRefusal(lab.timeline.length, await situation());
			if (why) throw refusalError('run()', why);
			await lab.seek(lab.timeline.length);
			if (lab.mismatches.length)
				throw refusalError(
					'run()',
					`the scenario's expectations failed (ringlab run exits 1 on it): ${lab.mismatches.join('; ')}`
				);
			return structuredClone(lab.state);
		},
		step: (ctx) =>
			guarded(
				callText('step', ctx),
				(s) => stepRefusal(ctx, s),
				() => lab.step(ctx)
			),
		back: () => guarded('back()', backRefusal, () => lab.back()),
		seek: (n) =>
			guarded(
				callText('seek', n),
				(s) => seekRefusal(n, s),
				() => lab.seek(n)
			),
		state: async () => {
			await lab.idle();
			return structuredClone(lab.state);
		},
		idle: () => lab.idle(),
		engine: () => Promise.resolve(engineInfo(lab)),
		stateHex: async () => {
			await lab.idle();
			return hex(new Uint8Array(lab.ring.buf));
		},
		share: () => lab.share()
	};
}

/** How this page reads the engine: for `window.ringlab.engine()` and the tests. */
function engineInfo(lab: Lab): EngineInfo {
	const c = lab.session.started;
	return {
		transport: lab.session.transport,
		stateIsShared:
			typeof SharedArrayBuffer === 'function' && c?.ring.buf instanceof SharedArrayBuffer,
		replies: c?.replies ?? 0,
		writer: lab.writer.mode,
		written: lab.writer.total
	};
}
