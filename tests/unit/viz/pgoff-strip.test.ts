import { describe, expect, it } from 'vitest';
import { groupPgoffs, pgoffCells, wholeMappingBytes } from '../../../src/lib/viz/pgoff-strip';

describe('pgoffCells(mapping, pagesPerSubbuf)', () => {
	it('numbers the pages of a 6.10 mapping from its pgoff: meta, then sub-buffers by ID', () => {
		const cells = pgoffCells(
			{
				pgoff: 0,
				pages: [
					{ kind: 'meta' },
					{ kind: 'data', page: 2, id: 0, sub: 0 },
					{ kind: 'data', page: 0, id: 1, sub: 0 }
				]
			},
			1
		);
		expect(cells).toEqual([
			{ pgoff: 0, kind: 'meta', label: 'meta' },
			{ pgoff: 1, kind: 'data', id: 0, page: 2, sub: 0, label: 'ID 0' },
			{ pgoff: 2, kind: 'data', id: 1, page: 0, sub: 0, label: 'ID 1' }
		]);
	});

	it('labels each system page of a larger sub-buffer', () => {
		const cells = pgoffCells(
			{
				pgoff: 2,
				pages: [
					{ kind: 'data', page: 0, id: 0, sub: 0 },
					{ kind: 'data', page: 0, id: 0, sub: 1 }
				]
			},
			2
		);
		expect(cells.map((c) => [c.pgoff, c.label])).toEqual([
			[2, 'ID 0 · 1/2'],
			[3, 'ID 0 · 2/2']
		]);
	});
});

describe('groupPgoffs(cells)', () => {
	it('groups a 6.12 meta area with its zero pages, then each sub-buffer’s pages', () => {
		const cells = pgoffCells(
			{
				pgoff: 0,
				pages: [
					{ kind: 'meta' },
					{ kind: 'zero' },
					{ kind: 'data', page: 1, id: 0, sub: 0 },
					{ kind: 'data', page: 1, id: 0, sub: 1 },
					{ kind: 'data', page: 0, id: 1, sub: 0 },
					{ kind: 'data', page: 0, id: 1, sub: 1 }
				]
			},
			2
		);
		expect(groupPgoffs(cells)).toEqual([
			{ kind: 'meta', pgoffs: [0], zero: [1] },
			{ kind: 'data', id: 0, page: 1, pgoffs: [2, 3], zero: [] },
			{ kind: 'data', id: 1, page: 0, pgoffs: [4, 5], zero: [] }
		]);
	});
});

describe('wholeMappingBytes(kernel, subbufSize, nrSubbufs)', () => {
	it('is one page of meta on 6.10 and one sub-buffer of meta on 6.12, then the sub-buffers', () => {
		expect(wholeMappingBytes('6.10', 4096, 5)).toBe(6 * 4096);
		expect(wholeMappingBytes('6.10', 8192, 5)).toBe(4096 + 5 * 8192);
		expect(wholeMappingBytes('6.12', 8192, 5)).toBe(6 * 8192);
	});
});
