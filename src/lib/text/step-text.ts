// A step and its result in words, written once for the CLI (`ringlab run`, spec §3) and the page
// (the event log, the time bar and the outcome lines).
import type { Step, StepResult } from '../ring';
import { count } from './plural';

/**
 * `op field=value ...` (its `expect` left out): how the CLI and the page write a step. A nested
 * step (spawn's `do`) is written the same way, in parentheses.
 */
export function describeStep(step: Step): string {
	const { op, expect: _expect, ...rest } = step as Step & Record<string, unknown>;
	void _expect;
	const args = Object.entries(rest)
		.map(
			([k, v]) =>
				`${k}=${typeof v === 'object' && v !== null ? `(${describeStep(v as Step)})` : String(v)}`
		)
		.join(' ');
	return args ? `${op} ${args}` : op;
}

/** A burst that failed part-way: how many of its writes went in. */
export function partial(res: StepResult): string {
	return typeof res.written === 'number'
		? ` (${res.written} written, ${String(res.dropped)} dropped)`
		: '';
}

/** `key=value` for each of `keys` that the result has, in that order. */
export function resultFields(res: StepResult, keys: readonly string[]): string[] {
	return keys.filter((k) => res[k] !== undefined).map((k) => `${k}=${String(res[k])}`);
}

/** `ok key=value ...` for a success, `ERRNO: reason` for a refusal (the page's words). */
export function resultText(res: StepResult): string {
	if (!res.ok) return `${res.errno ?? 'failed'}: ${res.message ?? ''}${partial(res)}`;
	const extra = resultFields(res, ['ts', 'len', 'written', 'dropped', 'subbufs', 'missed']);
	if (Array.isArray(res.events)) extra.push(count(res.events.length, 'event'));
	if (Array.isArray(res.pgoffs)) extra.push(`pgoffs ${res.pgoffs[0]}..${res.pgoffs.at(-1)}`);
	return ['ok', ...extra].join(' ');
}
