/**
 * What the page's Explore panel shows of an explore run (src/lib/ring/explore): the CLI's counts
 * (`ringlab explore --json`, spec §3) and one bar per end state and per violation, each with the
 * plain scenario that replays its schedule (the setup, then its moves as `step` steps, as the
 * CLI's `--out` writes), which the page loads to show the schedule at its decisive step.
 */
import { runScenario, type Scenario } from '../ring';
import {
	describeSchedule,
	endStateHash,
	scheduleSteps,
	splitScenario,
	violationScenario,
	type ExploreResult,
	type ExploreSetup,
	type Move,
	type ViolationKind
} from '../ring/explore';

export interface ExploreBar {
	kind: 'end' | 'violation';
	/** What the bar says: "Outcome 2" or the violation's message. */
	label: string;
	/** The schedule in words. */
	detail: string;
	/** Schedules ending in this state, or the states/moves showing the violation. */
	count: number;
	/** A violation, or an end state a violation at the end was found in: drawn red. */
	bad: boolean;
	violation?: ViolationKind;
	/** The plain scenario that replays the schedule (its last step is the decisive one). */
	scenario: Scenario;
}

export interface ExploreReport {
	schedules: number;
	states: number;
	transitions: number;
	ends: number;
	violations: number;
	complete: boolean;
	bound: ExploreResult['bound'];
	elapsedMs: number;
	statesPerSecond: number | null;
	bars: ExploreBar[];
}

/** The setup, then the moves (and, for what is checked at the end, the tail steps). */
function replay(split: ExploreSetup, moves: readonly Move[], tail: boolean) {
	return [...split.setup, ...scheduleSteps(moves, split), ...(tail ? split.tail : [])];
}

/** The end state a schedule ends in, as explore hashes it (null when it cannot be replayed). */
function endHash(scenario: Scenario, split: ExploreSetup, moves: readonly Move[]): string | null {
	try {
		const run = runScenario({ ...scenario, steps: replay(split, moves, false) });
		return endStateHash(run.sim, split.interrupts.length);
	} catch {
		return null;
	}
}

/** The panel's view of `result`, explored from `scenario`. */
export function exploreReport(scenario: Scenario, result: ExploreResult): ExploreReport {
	const split = splitScenario(scenario);
	const badEnds = new Set(
		result.violations
			.filter((v) => v.at === 'end' && v.schedule.length)
			.map((v) => endHash(scenario, split, v.schedule))
	);
	const ends: ExploreBar[] = result.ends.map((g, i) => ({
		kind: 'end',
		label: `Outcome ${i + 1}`,
		detail: describeSchedule(g.schedule),
		count: g.count,
		bad: badEnds.has(g.hash),
		scenario: {
			ringlab: 1,
			title: `explore: outcome ${i + 1} of "${scenario.title ?? 'a scenario'}"`,
			description: `${g.count} schedule${g.count === 1 ? '' : 's'} end in this state; the shortest: ${describeSchedule(g.schedule)}.`,
			config: scenario.config,
			steps: replay(split, g.schedule, true)
		}
	}));
	// As --out writes it, without the expectation --out adds so that `ringlab run` exits 1:
	// on the page the warning shows at the step itself.
	const violations: ExploreBar[] = result.violations.map((v) => ({
		kind: 'violation',
		label: v.message,
		detail: describeSchedule(v.schedule),
		count: v.occurrences,
		bad: true,
		violation: v.kind,
		scenario: {
			...violationScenario(scenario, split, v),
			steps: replay(split, v.schedule, v.at === 'end')
		}
	}));
	return {
		schedules: result.schedules,
		states: result.states,
		transitions: result.transitions,
		ends: result.ends.length,
		violations: result.violations.length,
		complete: result.complete,
		bound: result.bound,
		elapsedMs: result.elapsedMs,
		statesPerSecond:
			result.elapsedMs > 0 ? Math.round((result.states * 1000) / result.elapsedMs) : null,
		bars: [...violations, ...ends]
	};
}
