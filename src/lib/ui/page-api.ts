// `window.ringlab` (spec §4), the part this slice provides: the version, the engine state, and
// a promise that settles once every command sent to the engine Worker has been answered.
import type { RingState } from '$lib/ring';
import type { EngineInfo, Lab } from './simulation.svelte';

/** The page's programmatic interface; load/run/step/back/seek come with scenarios. */
export interface RinglabApi {
	version: number;
	state(): Promise<RingState>;
	idle(): Promise<void>;
	/** How the page reads the engine (ringlab's addition to spec §4). */
	engine(): Promise<EngineInfo>;
	/** Every byte of the engine state as hex, for comparing two states exactly (ringlab's addition). */
	stateHex(): Promise<string>;
}

declare global {
	interface Window {
		ringlab?: RinglabApi;
	}
}

export const PAGE_API_VERSION = 1;

/** Publishes `window.ringlab` for `lab`. */
export function installPageApi(lab: Lab): void {
	window.ringlab = {
		version: PAGE_API_VERSION,
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
		}
	};
}
