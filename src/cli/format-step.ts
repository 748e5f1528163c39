/**
 * How the CLI prints a step and its result: one line per step, events in trace_pipe style
 * ("CPU:0 [LOST 3 EVENTS]" before the first event after a loss).
 */
import type { StepOutcome } from '../lib/ring';

function nsToSec(ns: number): string {
	const s = Math.floor(ns / 1e9);
	const frac = String(ns % 1e9).padStart(9, '0');
	return `${s}.${frac}`;
}

function describeStep(step: Record<string, unknown>): string {
	const { op, expect: _e, ...rest } = step;
	void _e;
	const args = Object.entries(rest)
		.map(
			([k, v]) =>
				`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean)}`
		)
		.join(' ');
	return args ? `${String(op)} ${args}` : String(op);
}

const SHOWN = ['ts', 'len', 'written', 'dropped', 'now', 'subbufs', 'missed', 'done', 'ctx'];

export function formatOutcome(o: StepOutcome): string[] {
	const r = o.result;
	const lines: string[] = [];
	const head = `[${o.index}] ${describeStep(o.step as unknown as Record<string, unknown>)}`;
	if (!r.ok) lines.push(`${head} -> ${r.errno}: ${r.message}`);
	else {
		const extra = SHOWN.filter((k) => r[k] !== undefined).map((k) => `${k}=${String(r[k])}`);
		lines.push(`${head} -> ok${extra.length ? ' ' + extra.join(' ') : ''}`);
	}
	const cpu = (o.step as { cpu?: number }).cpu ?? 0;
	const events = (r.events ?? (r.result as { events?: unknown })?.events) as
		{ ts: number; payload: string; lost: number }[] | undefined;
	if (typeof r.missed === 'number' && r.missed)
		lines.push(`CPU:${cpu} [LOST ${r.missed} EVENTS]`);
	for (const e of events ?? []) {
		if (e.lost) lines.push(`CPU:${cpu} [LOST ${e.lost} EVENTS]`);
		lines.push(
			`  ringlab-0 [${String(cpu).padStart(3, '0')}] ..... ${nsToSec(e.ts)}: ${e.payload.length / 2} bytes ${e.payload}`
		);
	}
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
