// What the step that led to the current position did, in plain words: for one atomic step, the
// engine's note (what happened, with its numbers) and why it matters (src/lib/lessons/code.ts);
// for a whole operation, its result and how many atomic steps it took.
import type { TimelineEntry } from '$lib/ring/timeline';
import { narrateStep, pcOfLabel } from '$lib/lessons/code';
import { resultText } from './step-text';

/** The operations whose step tables hold every label a record can carry. */
const TABLE_OPS = ['write', 'consume', 'snapshot'] as const;

/** One or two sentences on `entry`, or '' before anything happened. */
export function narration(entry: TimelineEntry | null): string {
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
