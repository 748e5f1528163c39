/**
 * The optional `lesson` field of a scenario (spec §2, added): an intro, narration attached to
 * steps, checkpoints on the way (optional, added) and a closing question, each answered by
 * predicting the state after one step. Each
 * choice is a predicate on that step's result and on the described ring state after it, written
 * like `expect`; which choice is right is decided by running the engine, never stored.
 */
import { checkExpectShape, FormatError } from '../ring';

export interface Narration {
	/** Shown once scenario step `step` has run. */
	step: number;
	text: string;
}

export interface Choice {
	text: string;
	/** Matched like `expect` against the reveal step's result. */
	result?: Record<string, unknown>;
	/** Matched like `expect` against the described state (describeRing) after the reveal step. */
	state?: Record<string, unknown>;
}

export interface Question {
	prompt: string;
	/** The reveal step: the learner predicts its outcome before it runs. */
	step: number;
	choices: Choice[];
	/** Shown after the reveal: why the right answer is right. */
	explain?: string;
}

export interface Lesson {
	intro: string;
	narration: Narration[];
	/** Predictions asked on the way, in step order, each before the closing question (added). */
	checkpoints?: Question[];
	question: Question;
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, path: string): string {
	if (typeof v !== 'string' || !v.trim())
		throw new FormatError(path, 'must be a non-empty string');
	return v;
}

function stepIndex(v: unknown, path: string, steps: number): number {
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= steps)
		throw new FormatError(path, `must be a step index 0..${steps - 1}`);
	return v;
}

function only(obj: Record<string, unknown>, keys: string[], path: string): void {
	for (const k of Object.keys(obj))
		if (!keys.includes(k)) throw new FormatError(`${path}.${k}`, 'is not a lesson field');
}

function predicate(v: unknown, path: string): Record<string, unknown> {
	if (!isObject(v)) throw new FormatError(path, 'must be an object (matched like expect)');
	const err = checkExpectShape(v, path);
	if (err) throw err;
	return v;
}

/** Validates a scenario's `lesson` against its step count; throws FormatError with a JSON path. */
export function validateLesson(raw: unknown, steps: number, path = '$.lesson'): Lesson {
	if (!isObject(raw)) throw new FormatError(path, 'must be an object');
	only(raw, ['intro', 'narration', 'checkpoints', 'question'], path);
	const intro = text(raw.intro, `${path}.intro`);
	if (!Array.isArray(raw.narration))
		throw new FormatError(`${path}.narration`, 'must be an array');
	const narration = raw.narration.map((n, i) => {
		const p = `${path}.narration[${i}]`;
		if (!isObject(n)) throw new FormatError(p, 'must be an object');
		only(n, ['step', 'text'], p);
		return { step: stepIndex(n.step, `${p}.step`, steps), text: text(n.text, `${p}.text`) };
	});
	const question = validateQuestion(raw.question, steps, `${path}.question`);
	const out: Lesson = { intro, narration, question };
	if (raw.checkpoints !== undefined) {
		const cp = `${path}.checkpoints`;
		if (!Array.isArray(raw.checkpoints)) throw new FormatError(cp, 'must be an array');
		let after = -1;
		out.checkpoints = raw.checkpoints.map((c, i) => {
			const q = validateQuestion(c, steps, `${cp}[${i}]`);
			if (q.step <= after || q.step >= question.step)
				throw new FormatError(
					`${cp}[${i}].step`,
					`must be after the previous checkpoint and before the question (step ${question.step})`
				);
			after = q.step;
			return q;
		});
	}
	return out;
}

/** Validates one prediction: the closing question or a checkpoint. */
function validateQuestion(q: unknown, steps: number, qp: string): Question {
	if (!isObject(q)) throw new FormatError(qp, 'must be an object');
	only(q, ['prompt', 'step', 'choices', 'explain'], qp);
	if (!Array.isArray(q.choices) || q.choices.length < 2 || q.choices.length > 6)
		throw new FormatError(`${qp}.choices`, 'must be an array of 2 to 6 choices');
	const choices = q.choices.map((c, i) => {
		const p = `${qp}.choices[${i}]`;
		if (!isObject(c)) throw new FormatError(p, 'must be an object');
		only(c, ['text', 'result', 'state'], p);
		if (c.result === undefined && c.state === undefined)
			throw new FormatError(p, 'needs a "result" or a "state" predicate');
		const out: Choice = { text: text(c.text, `${p}.text`) };
		if (c.result !== undefined) out.result = predicate(c.result, `${p}.result`);
		if (c.state !== undefined) out.state = predicate(c.state, `${p}.state`);
		return out;
	});
	const question: Question = {
		prompt: text(q.prompt, `${qp}.prompt`),
		step: stepIndex(q.step, `${qp}.step`, steps),
		choices
	};
	if (q.explain !== undefined) question.explain = text(q.explain, `${qp}.explain`);
	return question;
}
