/**
 * How the CLI prints a step and its result: one line per step, events in trace_pipe style
 * ("CPU:0 [LOST 3 EVENTS]" before the first event after a loss), every payload byte shown.
 * The words are src/lib/text's, which the page uses too.
 */
import type { StepOutcome } from '../lib/ring';
import { describeStep, resultFields } from '../lib/text/step-text';
import { traceLines, type TraceEvent } from '../lib/text/trace-pipe';

const SHOWN = ['ts', 'len', 'written', 'dropped', 'now', 'subbufs', 'missed', 'done', 'ctx'];

export function formatOutcome(o: StepOutcome): string[] {
	const r = o.result;
	const lines: string[] = [];
	const head = `[${o.index}] ${describeStep(o.step)}`;
	if (!r.ok) lines.push(`${head} -> ${r.errno}: ${r.message}`);
	else {
		const extra = resultFields(r, SHOWN);
		lines.push(`${head} -> ok${extra.length ? ' ' + extra.join(' ') : ''}`);
	}
	const cpu = (o.step as { cpu?: number }).cpu ?? 0;
	const events = (r.events ?? (r.result as { events?: unknown })?.events) as
		TraceEvent[] | undefined;
	const missed = typeof r.missed === 'number' ? r.missed : 0;
	lines.push(...traceLines(cpu, events ?? [], missed, Infinity));
	for (const s of (r.steps as
		{ ctx: string; label: string; kernel: string; note: string }[] | undefined) ?? [])
		lines.push(`    ${s.ctx}: ${s.label} (${s.kernel}) ${s.note}`);
	for (const w of r.warnings) lines.push(`  WARNING: ${w.message}`);
	for (const m of o.mismatches)
		lines.push(
			`  FAIL ${m.path}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`
		);
	for (const v of o.violations)
		lines.push(`  INVARIANT BROKEN on CPU ${v.cpu} (${v.invariant}): ${v.message}`);
	return lines;
}
