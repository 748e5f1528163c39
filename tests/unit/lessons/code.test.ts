// Step-mode teaching data: every pc of every step table maps to a line of an existing program and
// names the table's kernel function, for every operation that runs that table (so a new step
// cannot be forgotten); labels are unique so step records map back to their pc; running real
// operations step by step only ever lands on mapped lines.
import { describe, expect, test } from 'vitest';
import {
	codeAt,
	narrateStep,
	pcOfLabel,
	PROGRAMS,
	STEP_TABLES,
	tableOf
} from '../../../src/lib/lessons/code';
import { Simulation, type StepRecord } from '../../../src/lib/ring';

const OPS = ['write', 'consume', 'readPage', 'getReader', 'snapshot'] as const;

describe('pseudo-code and step mapping', () => {
	test.each(OPS)('every pc of the table %s runs maps to a line and its kernel function', (op) => {
		const steps = STEP_TABLES[tableOf(op)];
		for (let pc = 0; pc < steps.length; pc++) {
			const at = codeAt(op, pc);
			expect(at, `${op} pc ${pc}`).toBeDefined();
			const lines = PROGRAMS[at!.program].lines;
			expect(at!.line).toBeGreaterThanOrEqual(0);
			expect(at!.line).toBeLessThan(lines.length);
			expect(at!.kernel).toBe(steps[pc]![1]);
			expect(at!.label).toBe(steps[pc]![0]);
			expect(at!.why.length).toBeGreaterThan(10);
		}
		expect(codeAt(op, steps.length)).toBeUndefined();
	});

	test('programs are short (4-12 lines) and labels are unique per table', () => {
		for (const p of Object.values(PROGRAMS)) {
			expect(p.lines.length).toBeGreaterThanOrEqual(4);
			expect(p.lines.length).toBeLessThanOrEqual(12);
		}
		for (const steps of Object.values(STEP_TABLES))
			expect(new Set(steps.map(([l]) => l)).size).toBe(steps.length);
	});

	test('stepping real contexts lands on mapped lines and narrates each step', () => {
		const sim = new Simulation({ subbufsPerCpu: 2, snapshot: true });
		const seen: { op: (typeof OPS)[number]; rec: StepRecord }[] = [];
		let op: (typeof OPS)[number] = 'write';
		sim.onStep = (rec) => seen.push({ op, rec });
		sim.apply({ op: 'map', cpu: 0, as: 'm' });
		for (let i = 0; i < 12; i++) sim.apply({ op: 'write', cpu: 0, size: 1000 });
		op = 'consume';
		sim.apply({ op: 'consume', cpu: 0, count: 3 });
		op = 'getReader';
		sim.apply({ op: 'getReader', cpu: 0 });
		sim.apply({ op: 'unmap', map: 'm' });
		op = 'readPage';
		sim.apply({ op: 'readPage', cpu: 0 });
		op = 'snapshot';
		sim.apply({ op: 'snapshot', cpu: 0 });
		expect(seen.length).toBeGreaterThan(50);
		for (const { op: o, rec } of seen) {
			const pc = pcOfLabel(o, rec.label);
			expect(pc, rec.label).toBeGreaterThanOrEqual(0);
			expect(codeAt(o, pc)!.kernel).toBe(rec.kernel);
			expect(narrateStep(o, rec)).toContain(codeAt(o, pc)!.why);
		}
		// the page crossing and the head push were among them
		const programs = new Set(
			seen.map(({ op: o, rec }) => codeAt(o, pcOfLabel(o, rec.label))!.program)
		);
		expect([...programs].sort()).toEqual(
			[
				'consume',
				'get-reader',
				'move-tail',
				'read-page',
				'reader-page',
				'swap',
				'write'
			].sort()
		);
	});
});
