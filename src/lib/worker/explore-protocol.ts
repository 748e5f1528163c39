// Messages between the page and the explore Worker (explore.worker.ts).
import type { ExploreProgress } from '../ring/explore';
import type { ExploreReport } from './explore-report';

export interface ExploreRequest {
	/** A scenario document: its steps up to the last spawn are the setup (spec §3 `explore`). */
	scenario: unknown;
	/** Stop after this many distinct states (explore's default when absent). */
	maxStates?: number;
}

export type ExploreMessage =
	| ({ type: 'progress' } & ExploreProgress)
	| { type: 'done'; report: ExploreReport }
	| { type: 'error'; message: string };
