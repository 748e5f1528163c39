// What the step that led to the current position did, in plain words: for one atomic step, the
// engine's note (what happened, with its numbers) and why it matters (src/lib/lessons/code.ts);
// for a whole operation, its result and how many atomic steps it took.
import type { TimelineEntry } from '$lib/session';
import { narrateStep, pcOfLabel } from '$lib/lessons/code';
import type { CpuState } from '$lib/ring';
import { onScreenNames } from './on-screen-names';
import { resultText } from '$lib/text/step-text';

/** The operations whose step tables hold every label a record can carry. */
const TABLE_OPS = ['write', 'consume', 'snapshot'] as const;

/**
 * The CPU an entry acted on: its own `cpu`, or the CPU of the context it stepped (`cpuOf`).
 * Undefined for machine-wide steps (`"all"`, tracing, a new sub-buffer order).
 */
export function entryCpu(
	entry: TimelineEntry | null,
	cpuOf: (ctx: string) => number | undefined
): number | undefined {
	if (!entry) return undefined;
	const a = entry.action as { cpu?: unknown; ctx?: unknown };
	if (typeof a.cpu === 'number') return a.cpu;
	if ((entry.action.op === 'step' || entry.action.op === 'finish') && typeof a.ctx === 'string')
		return cpuOf(a.ctx);
	return undefined;
}

/**
 * One or two sentences on `entry`, or '' before anything happened; pages named as the drawing
 * of `cpu` names them (IDs once mapped: see onScreenNames).
 */
export function narration(entry: TimelineEntry | null, cpu?: CpuState): string {
	return onScreenNames(plainNarration(entry), cpu);
}

function plainNarration(entry: TimelineEntry | null): string {
	if (!entry) return '';
	const { action, result, records, recordsTotal } = entry;
	if (action.op === 'step' || action.op === 'finish') {
		const last = records.at(-1);
		if (!last) return result.ok ? '' : `Refused: ${result.message ?? ''}`;
		const op = TABLE_OPS.find((o) => pcOfLabel(o, last.label) >= 0) ?? 'write';
		const what = narrateStep(op, last);
		const more = recordsTotal > 1 ? ` (${recordsTotal} atomic steps; this was the last.)` : '';
		return `${last.ctx}: ${what} Kernel: ${last.kernel}.${more}`;
	}
	const steps = recordsTotal
		? ` It took ${recordsTotal} atomic step${recordsTotal > 1 ? 's' : ''}.`
		: '';
	return `${resultText(result)}.${steps}`;
}
