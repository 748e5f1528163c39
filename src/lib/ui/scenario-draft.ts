// The scenario editor's draft (issue 13 item 5): a scenario document as the author edits it,
// before it is valid. Every edit is a pure function from a draft to a new one; the draft is
// checked with the parser the CLI uses (parseScenario), whose FormatError names a JSON path.
import { FormatError } from '$lib/ring/errors';
import { scenarioTextTooLarge } from '$lib/ring/input-bounds';
import { parseScenario, type Scenario } from '$lib/session';
import { OP_NAMES, opFields, type OpName } from '$lib/ring/steps';

/** A scenario document as edited: any JSON object; `steps` is read as a list of objects. */
export type Draft = Record<string, unknown> & { steps?: unknown };
export type DraftStep = Record<string, unknown>;

/** What checking a draft found: the scenario, or the parser's error with its JSON path. */
export type DraftCheck =
	{ ok: true; scenario: Scenario } | { ok: false; path: string; reason: string; message: string };

export { OP_NAMES };

/** The steps of a draft (an empty list when `steps` is not a list). */
export function draftSteps(draft: Draft): DraftStep[] {
	return Array.isArray(draft.steps) ? (draft.steps as DraftStep[]) : [];
}

function withSteps(draft: Draft, steps: DraftStep[]): Draft {
	return { ...draft, steps };
}

/** Sets (or with `undefined` removes) field `field` of step `index`. */
export function setField(draft: Draft, index: number, field: string, value: unknown): Draft {
	const steps = draftSteps(draft).map((s, i) => {
		if (i !== index) return s;
		const next = { ...s };
		if (value === undefined) delete next[field];
		else next[field] = value;
		return next;
	});
	return withSteps(draft, steps);
}

/** Removes step `index`. */
export function deleteStep(draft: Draft, index: number): Draft {
	return withSteps(
		draft,
		draftSteps(draft).filter((_, i) => i !== index)
	);
}

/** A step of `op` with the fields it needs, on `cpu`: what "Insert after" adds. */
export function stepTemplate(op: OpName, cpu = 0): DraftStep {
	const write = { op: 'write', cpu, size: 8 };
	const templates: Record<OpName, DraftStep> = {
		write,
		clock: { op: 'clock', advanceNs: 1000 },
		consume: { op: 'consume', cpu, count: 1 },
		readPage: { op: 'readPage', cpu },
		resize: { op: 'resize', cpu, subbufs: 4 },
		subbufOrder: { op: 'subbufOrder', order: 0 },
		reset: { op: 'reset', cpu },
		tracing: { op: 'tracing', on: true },
		spawn: { op: 'spawn', as: 'task1', cpu, ctx: 'task', do: write },
		step: { op: 'step', ctx: 'task1' },
		finish: { op: 'finish', ctx: 'task1' },
		map: { op: 'map', cpu, as: 'm' },
		unmap: { op: 'unmap', map: 'm' },
		getReader: { op: 'getReader', cpu },
		readMeta: { op: 'readMeta', map: 'm' },
		readMapped: { op: 'readMapped', map: 'm' },
		snapshotArm: { op: 'snapshotArm' },
		snapshotFree: { op: 'snapshotFree' },
		snapshot: { op: 'snapshot', cpu },
		fault: { op: 'fault', alloc: 1 }
	};
	return { ...templates[op] };
}

/** Inserts a new step of `op` after step `index` (-1: first). */
export function insertStep(draft: Draft, index: number, op: OpName, cpu = 0): Draft {
	const steps = [...draftSteps(draft)];
	steps.splice(index + 1, 0, stepTemplate(op, cpu));
	return withSteps(draft, steps);
}

/** Moves step `index` one place up (-1) or down (+1); at either end it stays. */
export function moveStep(draft: Draft, index: number, by: -1 | 1): Draft {
	const steps = [...draftSteps(draft)];
	const to = index + by;
	if (index < 0 || index >= steps.length || to < 0 || to >= steps.length) return draft;
	[steps[index], steps[to]] = [steps[to]!, steps[index]!];
	return withSteps(draft, steps);
}

/** The fields a row of the Steps list shows for a step: its op's fields, then `expect`. */
export function rowFields(step: DraftStep): string[] {
	const op = step.op as OpName;
	const own = OP_NAMES.includes(op) ? [...opFields(op)] : [];
	const extra = Object.keys(step).filter((k) => k !== 'op' && !own.includes(k));
	return [
		...own,
		...extra.filter((k) => k !== 'expect'),
		...('expect' in step ? ['expect'] : [])
	];
}

/** A field's value as its input shows it ('' when absent; objects as JSON). */
export function fieldText(value: unknown): string {
	if (value === undefined) return '';
	return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * An input's text as a field value: '' removes the field, JSON (a number, true, an object...) is
 * that value, anything else the text itself (a name, a payload).
 */
export function fieldValue(text: string): unknown {
	const t = text.trim();
	if (t === '') return undefined;
	try {
		return JSON.parse(t);
	} catch {
		return text;
	}
}

/** The draft as the JSON tab shows it (and as it is downloaded). */
export function draftText(draft: Draft): string {
	return JSON.stringify(draft, null, '\t') + '\n';
}

/** JSON text as a draft, or null when it is not a JSON object (the parser says why). */
export function draftOf(text: string): Draft | null {
	if (scenarioTextTooLarge(text)) return null; // not parsed: checkDraft says why
	try {
		const v: unknown = JSON.parse(text);
		return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Draft) : null;
	} catch {
		return null;
	}
}

/** Checks a draft (or JSON text) with the CLI's parser. */
export function checkDraft(input: Draft | string): DraftCheck {
	try {
		return { ok: true, scenario: parseScenario(input) };
	} catch (e) {
		if (e instanceof FormatError)
			return { ok: false, path: e.path, reason: e.reason, message: e.message };
		const reason = e instanceof Error ? e.message : String(e);
		return { ok: false, path: '$', reason, message: `$: ${reason}` };
	}
}

/** The step a JSON path points into (`$.steps[2].size` → 2), or null. */
export function stepOfPath(path: string): number | null {
	const m = /^\$\.steps\[(\d+)\]/.exec(path);
	return m ? Number(m[1]) : null;
}

/** The field of a step a JSON path names (`$.steps[2].size` → size), or null. */
export function fieldOfPath(path: string): string | null {
	const m = /^\$\.steps\[\d+\]\.([A-Za-z]+)/.exec(path);
	return m ? m[1]! : null;
}

/** The file name a scenario downloads as: its title in lowercase words, or `scenario.json`. */
export function downloadName(draft: Draft): string {
	const title = typeof draft.title === 'string' ? draft.title : '';
	const slug = title
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
	return `${slug || 'scenario'}.json`;
}
