// How the event log and the outcome lines put a step and its result into words.
import type { Step, StepResult } from '$lib/ring';
import { count } from '$lib/text/plural';

/** `op field=value ...`, as the CLI prints a step. */
export function describeStep(step: Step): string {
	const { op, ...rest } = step as Step & Record<string, unknown>;
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

/** `ok key=value ...` for a success, `ERRNO: reason` for a refusal. */
export function resultText(res: StepResult): string {
	if (!res.ok) return `${res.errno ?? 'failed'}: ${res.message ?? ''}${partial(res)}`;
	const shown = ['ts', 'len', 'written', 'dropped', 'subbufs', 'missed'].filter(
		(k) => res[k] !== undefined
	);
	const extra = shown.map((k) => `${k}=${String(res[k])}`);
	if (Array.isArray(res.events)) extra.push(count(res.events.length, 'event'));
	if (Array.isArray(res.pgoffs)) extra.push(`pgoffs ${res.pgoffs[0]}..${res.pgoffs.at(-1)}`);
	return ['ok', ...extra].join(' ');
}
