// `window.ringlab` (spec §4): scripts, tutorials and Playwright drive the lab through it. Every
// call returns a promise that settles once the engine Worker has answered and the page has drawn
// the result.
import type { RingState } from '$lib/ring';
import type { TimelineView } from '$lib/ring/protocol';
import type { EngineInfo, Lab, LoadOutcome } from './simulation.svelte';

/** Where the timeline is after a call. */
export type TimelineInfo = Omit<TimelineView, 'contexts'> & { contexts: string[] };

export interface RinglabApi {
	version: number;
	/** Loads a scenario (an object or JSON text) and shows its start (position 0). */
	load(scenario: unknown): Promise<LoadOutcome>;
	/** Runs to the end of the timeline (what `ringlab run` does); resolves with the final state. */
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

/** Publishes `window.ringlab` for `lab`. */
export function installPageApi(lab: Lab): void {
	const info = async (): Promise<TimelineInfo> => {
		await lab.idle();
		const t = lab.timeline;
		return { ...t, contexts: t.contexts.map((c) => c.name) };
	};
	window.ringlab = {
		version: PAGE_API_VERSION,
		load: (scenario) => lab.load(scenario, 0),
		run: async () => {
			await lab.idle();
			await lab.seek(lab.timeline.length);
			return structuredClone(lab.state);
		},
		step: async (ctx) => {
			await lab.step(ctx);
			return info();
		},
		back: async () => {
			await lab.back();
			return info();
		},
		seek: async (n) => {
			await lab.seek(n);
			return info();
		},
		state: async () => {
			await lab.idle();
			return structuredClone(lab.state);
		},
		idle: () => lab.idle(),
		engine: () => Promise.resolve(lab.engineInfo()),
		stateHex: async () => {
			await lab.idle();
			return Array.from(new Uint8Array(lab.ring.buf), (b) =>
				b.toString(16).padStart(2, '0')
			).join('');
		},
		share: () => lab.share()
	};
}
