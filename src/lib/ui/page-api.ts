// `window.ringlab` (spec §4), the part this slice provides: the version, the engine state, and
// a promise that settles once the engine is idle (it runs in the page's thread, so at once).
import type { RingState } from '$lib/ring';
import type { Lab } from './simulation.svelte';

/** The page's programmatic interface; load/run/step/back/seek come with scenarios. */
export interface RinglabApi {
	version: number;
	state(): Promise<RingState>;
	idle(): Promise<void>;
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
		state: () => Promise.resolve(structuredClone(lab.state)),
		idle: () => Promise.resolve()
	};
}
