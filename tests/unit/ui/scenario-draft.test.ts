import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/lib/ring/scenario';
import {
	OP_NAMES,
	checkDraft,
	deleteStep,
	downloadName,
	draftOf,
	draftSteps,
	draftText,
	fieldOfPath,
	fieldText,
	fieldValue,
	insertStep,
	moveStep,
	rowFields,
	setField,
	stepOfPath,
	stepTemplate,
	type Draft
} from '../../../src/lib/ui/scenario-draft';

const draft: Draft = {
	ringlab: 1,
	title: 'Three writes',
	config: { cpus: 1 },
	steps: [
		{ op: 'write', cpu: 0, size: 8 },
		{ op: 'write', cpu: 0, size: 16 },
		{ op: 'consume', cpu: 0 }
	]
};

describe('setField(draft, index, field, value)', () => {
	it('sets one field of one step and leaves the draft given unchanged', () => {
		const next = setField(draft, 1, 'size', 32);
		expect(draftSteps(next)[1]).toEqual({ op: 'write', cpu: 0, size: 32 });
		expect(draftSteps(draft)[1]).toEqual({ op: 'write', cpu: 0, size: 16 });
		expect(draftSteps(next)[0]).toBe(draftSteps(draft)[0]);
	});
	it('removes the field with undefined', () => {
		expect(draftSteps(setField(draft, 2, 'cpu', undefined))[2]).toEqual({ op: 'consume' });
	});
});

describe('deleteStep(draft, index)', () => {
	it('removes that step', () => {
		expect(draftSteps(deleteStep(draft, 0)).map((s) => s.size)).toEqual([16, undefined]);
	});
});

describe('insertStep(draft, index, op)', () => {
	it('adds a step of op after index, -1 meaning first', () => {
		expect(draftSteps(insertStep(draft, 0, 'readPage')).map((s) => s.op)).toEqual([
			'write',
			'readPage',
			'write',
			'consume'
		]);
		expect(draftSteps(insertStep(draft, -1, 'clock'))[0]).toEqual({
			op: 'clock',
			advanceNs: 1000
		});
	});
	it('adds on the CPU given', () => {
		expect(draftSteps(insertStep(draft, 2, 'write', 1))[3]).toMatchObject({ cpu: 1 });
	});
});

describe('stepTemplate(op)', () => {
	it('is a valid step for every op, in a scenario that defines what it names', () => {
		for (const op of OP_NAMES) {
			const before =
				op === 'step' || op === 'finish'
					? [stepTemplate('spawn')]
					: ['unmap', 'readMeta', 'readMapped'].includes(op)
						? [stepTemplate('map')]
						: [];
			expect(() =>
				parseScenario({ ringlab: 1, steps: [...before, stepTemplate(op)] })
			).not.toThrow();
		}
	});
});

describe('moveStep(draft, index, by)', () => {
	it('swaps a step with its neighbour', () => {
		expect(draftSteps(moveStep(draft, 2, -1)).map((s) => s.op)).toEqual([
			'write',
			'consume',
			'write'
		]);
		expect(draftSteps(moveStep(draft, 0, 1)).map((s) => s.size)).toEqual([16, 8, undefined]);
	});
	it('leaves the draft as it is at either end', () => {
		expect(moveStep(draft, 0, -1)).toBe(draft);
		expect(moveStep(draft, 2, 1)).toBe(draft);
	});
});

describe('rowFields(step), fieldText(value), fieldValue(text)', () => {
	it('lists the op’s fields, then unknown ones, then expect', () => {
		expect(rowFields({ op: 'consume', cpu: 0, bogus: 1, expect: { ok: true } })).toEqual([
			'cpu',
			'count',
			'bogus',
			'expect'
		]);
	});
	it('round-trips numbers, booleans, objects and names', () => {
		for (const v of [8, true, { op: 'write' }, 'task1', undefined])
			expect(fieldValue(fieldText(v))).toEqual(v);
		expect(fieldValue('  ')).toBeUndefined();
		expect(fieldValue('hello world')).toBe('hello world');
	});
});

describe('checkDraft(draft or text)', () => {
	it('gives the scenario the CLI would run', () => {
		const r = checkDraft(draft);
		expect(r.ok && r.scenario.steps.length).toBe(3);
	});
	it('names the JSON path of a bad field, as the CLI does', () => {
		const r = checkDraft(setField(draft, 1, 'size', 'big'));
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.path).toBe('$.steps[1].size');
		expect(r.message).toMatch(/^\$\.steps\[1\]\.size: /);
		expect(stepOfPath(r.path)).toBe(1);
		expect(fieldOfPath(r.path)).toBe('size');
	});
	it('says where JSON text stops being JSON', () => {
		const r = checkDraft('{"ringlab": 1, "steps": [}');
		expect(r).toMatchObject({ ok: false, path: '$' });
		expect(!r.ok && r.reason).toMatch(/^not valid JSON/);
		expect(draftOf('{"ringlab": 1, "steps": [}')).toBeNull();
		expect(stepOfPath('$')).toBeNull();
	});
	it('round-trips through draftText', () => {
		expect(draftOf(draftText(draft))).toEqual(draft);
	});
});

describe('downloadName(draft)', () => {
	it('is the title in lowercase words, or scenario.json', () => {
		expect(downloadName(draft)).toBe('three-writes.json');
		expect(downloadName({ ringlab: 1, steps: [] })).toBe('scenario.json');
		expect(downloadName({ title: '!!!' })).toBe('scenario.json');
	});
});
