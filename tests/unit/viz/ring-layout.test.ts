import { describe, expect, it } from 'vitest';
import {
	fillShare,
	fitRing,
	labelMode,
	placeRing,
	pointerMarks,
	polar,
	ringGeometry,
	slotAngle
} from '../../../src/lib/viz/ring-layout';

describe('placeRing(ring, previous)', () => {
	it('puts the lowest page at 12 o’clock and follows next order clockwise by default', () => {
		expect([...placeRing([3, 4, 1, 2])]).toEqual([
			[3, 2],
			[4, 3],
			[1, 0],
			[2, 1]
		]);
	});

	it('after a reader swap moves only the swapped page: the old reader takes the head’s slot', () => {
		const before = placeRing([1, 2, 3, 4]); // reader page 0 outside
		const after = placeRing([2, 3, 4, 0], before); // reader took page 1, page 0 went in
		expect(after.get(0)).toBe(before.get(1));
		for (const p of [2, 3, 4]) expect(after.get(p)).toBe(before.get(p));
	});

	it('starts afresh when the ring changed size (a resize)', () => {
		const before = placeRing([1, 2, 3, 4]);
		expect([...placeRing([2, 3, 1], before)]).toEqual([
			[2, 1],
			[3, 2],
			[1, 0]
		]);
	});
});

describe('slotAngle(slot, n) and polar(r, a)', () => {
	it('measure clockwise from 12 o’clock, as d3-shape does', () => {
		expect(slotAngle(0, 4)).toBeCloseTo(Math.PI / 4);
		const [x, y] = polar(10, Math.PI / 2);
		expect(x).toBeCloseTo(10);
		expect(y).toBeCloseTo(0);
		expect(polar(10, 0)[1]).toBeCloseTo(-10);
	});
});

describe('pointerMarks(cpu)', () => {
	it('stacks pointers that share a page in head, commit, tail, reader order', () => {
		expect(pointerMarks({ head: 1, commit: 1, tail: 1, reader: 0 })).toEqual([
			{ name: 'head', page: 1, level: 0, count: 3 },
			{ name: 'commit', page: 1, level: 1, count: 3 },
			{ name: 'tail', page: 1, level: 2, count: 3 },
			{ name: 'reader', page: 0, level: 0, count: 1 }
		]);
	});
});

describe('ringGeometry(width)', () => {
	it('puts the reader page right of a wide ring and below a narrow one', () => {
		const wide = ringGeometry(600);
		expect(wide.reader.side).toBe('right');
		expect(wide.reader.x).toBeGreaterThan(wide.cx + wide.rOut + 60);
		expect(wide.reader.x + wide.reader.w).toBeLessThanOrEqual(600);
		const narrow = ringGeometry(300);
		expect(narrow.reader.side).toBe('below');
		expect(narrow.reader.y).toBeGreaterThan(narrow.cy + narrow.rOut + 45);
		expect(narrow.height).toBeGreaterThan(narrow.reader.y + narrow.reader.h);
	});

	it('keeps room for pointer labels beside the ring and never shrinks below a floor', () => {
		for (const w of [240, 300, 420, 800]) {
			const g = ringGeometry(w);
			expect(g.cx - g.rOut).toBeGreaterThanOrEqual(70);
			expect(g.rIn).toBeLessThan(g.rOut);
		}
		expect(ringGeometry(10).width).toBe(240);
	});
});

describe('ringGeometry(width, height)', () => {
	it('keeps the drawing within a limited height', () => {
		for (const [w, h] of <[number, number][]>[
			[900, 300],
			[500, 420],
			[300, 500]
		]) {
			const g = ringGeometry(w, h);
			expect(g.height).toBeLessThanOrEqual(h);
			expect(g.width).toBeLessThanOrEqual(w);
		}
	});

	it('puts the reader page where it leaves the larger ring', () => {
		expect(ringGeometry(900, 300).reader.side).toBe('right');
		expect(ringGeometry(420, 900).reader.side).toBe('below');
	});
});

describe('fitRing(width, height, maxZoom)', () => {
	it('draws at zoom 1 in a box up to the natural size', () => {
		const fit = fitRing(500, 350);
		expect(fit.zoom).toBe(1);
		expect(fit.geometry.height).toBeLessThanOrEqual(350);
	});

	it('grows the whole drawing up to maxZoom in a large box, and fits it', () => {
		const fit = fitRing(1200, 800, 3);
		expect(fit.zoom).toBeGreaterThan(1.9);
		expect(fit.geometry.width * fit.zoom).toBeLessThanOrEqual(1200 + 1e-9);
		expect(fit.geometry.height * fit.zoom).toBeLessThanOrEqual(800 + 1e-9);
		expect(fitRing(1200, 800, 1.5).zoom).toBe(1.5);
	});

	it('keeps text at minZoom, shrinking the ring around it, while the smallest ring fits', () => {
		const fit = fitRing(700, 360, 3, 1.5);
		expect(fit.zoom).toBe(1.5);
		expect(fit.geometry.height * 1.5).toBeLessThanOrEqual(360);
	});

	it('shrinks the whole drawing below the smallest ring, so it still fits', () => {
		const fit = fitRing(160, 120);
		expect(fit.zoom).toBeLessThan(1);
		expect(fit.geometry.width * fit.zoom).toBeLessThanOrEqual(160 + 1e-9);
		expect(fit.geometry.height * fit.zoom).toBeLessThanOrEqual(120 + 1e-9);
	});
});

describe('labelMode(n) and fillShare(commit, capacity)', () => {
	it('shows less text as sub-buffers get narrower', () => {
		expect([4, 8, 9, 24, 25].map(labelMode)).toEqual([
			'full',
			'full',
			'short',
			'short',
			'none'
		]);
	});

	it('clamps the committed share to 0..1', () => {
		expect(fillShare(2040, 4080)).toBe(0.5);
		expect(fillShare(5000, 4080)).toBe(1);
		expect(fillShare(10, 0)).toBe(0);
	});
});
