/**
 * Lessons: scenarios with a `lesson` field (intro, narration on steps, checkpoints and a closing
 * question). The right answer to a question is whichever choice's predicates match when the
 * engine runs the scenario up to its reveal step: never stored, so a lesson cannot claim what the
 * engine does not do. Narration is looked up by timeline position (a `step` with n spans several
 * positions). DOM-free: the page, the CLI test and unit tests use it.
 */
import type { RingState } from '../ring/describe';
import { matchExpect } from '../ring/expect';
import type { Choice, Lesson, Narration, Question, Scenario } from '../session';
import { runScenario } from '../ring/scenario';
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

/** Every prediction of a lesson in step order: its checkpoints, then the closing question. */
export function lessonQuestions(lesson: Lesson): Question[] {
	return [...(lesson.checkpoints ?? []), lesson.question];
}

/**
 * Runs the scenario through a question's reveal step (the closing question by default) and says
 * which choices match.
 */
export function evaluateQuestion(
	scenario: Scenario,
	question: Question | undefined = scenario.lesson?.question
): QuestionOutcome | null {
	const q = question;
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

/**
 * What the lesson says at a timeline position: the lesson's own text for the step that ends
 * exactly here, otherwise `engine`, the engine's account of the entry that led here (the page's
 * `narration(entry)`), so every step that did something has words of its own.
 */
export function lessonNarrationAt(
	narration: readonly Narration[],
	starts: readonly number[],
	position: number,
	engine: string
): string {
	return narrationAt(narration, starts, position)?.text ?? engine;
}

/** Where a question is asked (the closing one by default): the position before its reveal step. */
export function questionPosition(
	scenario: Scenario,
	starts: readonly number[],
	question: Question | undefined = scenario.lesson?.question
): number | null {
	return question ? starts[question.step]! : null;
}

/** A 32-bit FNV-1a hash of a string, mixed into a seed. */
function hash(text: string, seed: number): number {
	let h = (0x811c9dc5 ^ seed) >>> 0;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
	return h;
}

/**
 * The order in which a question's choices are shown: a permutation of 0..n-1 drawn from the
 * scenario's seed, the question's index in the lesson and its prompt, so the right answer is not
 * always first and the order is the same on every load (Fisher-Yates over a xorshift generator).
 */
export function choiceOrder(seed: number, index: number, question: Question): number[] {
	const order = question.choices.map((_, i) => i);
	let x = hash(`${index}:${question.prompt}`, seed) || 0x9e3779b9;
	for (let i = order.length - 1; i > 0; i--) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		const j = x % (i + 1);
		[order[i], order[j]] = [order[j]!, order[i]!];
	}
	return order;
}
