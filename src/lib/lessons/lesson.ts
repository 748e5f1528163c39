/**
 * Lessons: scenarios with a `lesson` field (intro, narration on steps, a closing question). The
 * right answer to the question is whichever choice's predicates match when the engine runs the
 * scenario up to the reveal step: never stored, so a lesson cannot claim what the engine does
 * not do. Narration is looked up by timeline position (a `step` with n spans several positions).
 * DOM-free: the page, the CLI test and unit tests use it.
 */
import type { RingState } from '../ring/describe';
import { matchExpect } from '../ring/expect';
import type { Choice, Narration } from '../ring/lesson-format';
import { runScenario, type Scenario } from '../ring/scenario';
import type { StepResult } from '../ring/simulation';

export interface QuestionOutcome {
	/** Indexes of the choices whose predicates hold (a well-made lesson has exactly one). */
	matching: number[];
	/** The reveal step's result and the described state after it. */
	result: StepResult;
	state: RingState;
	/** Set when the scenario failed before or at the reveal step. */
	failure: string | null;
}

/** True when a choice's predicates hold for this result and state. */
export function choiceHolds(choice: Choice, result: StepResult, state: RingState): boolean {
	if (choice.result && matchExpect(choice.result, result).length) return false;
	if (choice.state && matchExpect(choice.state, state).length) return false;
	return true;
}

/** Runs the scenario through its reveal step and says which choices match. */
export function evaluateQuestion(scenario: Scenario): QuestionOutcome | null {
	const q = scenario.lesson?.question;
	if (!q) return null;
	const run = runScenario({ ...scenario, steps: scenario.steps.slice(0, q.step + 1) });
	const outcome = run.outcomes[q.step];
	const result = outcome?.result ?? { ok: false, warnings: [] };
	const matching = q.choices.flatMap((c, i) => (choiceHolds(c, result, run.final) ? [i] : []));
	return { matching, result, state: run.final, failure: run.failure };
}

/**
 * The narration to show at a timeline position, given where each scenario step starts
 * (`Timeline.fromScenario(...).starts`): the texts of the steps that have fully run by then, in
 * step order (the latest last), so a page can show the last one or all of them.
 */
export function narrationUpTo(
	narration: readonly Narration[],
	starts: readonly number[],
	position: number
): Narration[] {
	return narration.filter((n) => (starts[n.step + 1] ?? Infinity) <= position);
}

/** The narration of exactly the step that ends at this position, if any. */
export function narrationAt(
	narration: readonly Narration[],
	starts: readonly number[],
	position: number
): Narration | undefined {
	return narration.find((n) => starts[n.step + 1] === position);
}

/** Where the question is asked: the position before its reveal step runs. */
export function questionPosition(scenario: Scenario, starts: readonly number[]): number | null {
	const q = scenario.lesson?.question;
	return q ? starts[q.step]! : null;
}
