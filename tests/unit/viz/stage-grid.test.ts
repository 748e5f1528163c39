import { describe, expect, it } from 'vitest';
import { stageGrid } from '../../../src/lib/viz/stage-grid';

describe('stageGrid(n, width, height)', () => {
	it('gives one ring the whole stage', () => {
		expect(stageGrid(1, 900, 400)).toEqual({ columns: 0, rows: 1 });
	});

	it('puts every other ring in a cell beside the chosen one', () => {
		for (const [w, h] of <[number, number][]>[
			[700, 420],
			[930, 380],
			[1600, 800]
		]) {
			for (const n of [2, 4, 8]) {
				const { columns, rows } = stageGrid(n, w, h);
				expect(columns * rows).toBeGreaterThanOrEqual(n - 1);
				// no row or column left empty
				expect(columns * (rows - 1)).toBeLessThan(n - 1);
			}
		}
	});

	it('stacks the others in a column on a tall stage and spreads them on a wide one', () => {
		expect(stageGrid(4, 600, 900).columns).toBe(1);
		expect(stageGrid(4, 1800, 300).rows).toBe(1);
	});
});
