import { describe, expect, it } from 'vitest';
import { ringsPerFrame, SUBBUFS_PER_FRAME } from '../../../src/lib/ui/cadence';

describe('ringsPerFrame: how many rings a frame redraws while the writer runs', () => {
	it('redraws every ring of a small lab every frame', () => {
		expect(ringsPerFrame(2, 4)).toBe(2);
		expect(ringsPerFrame(8, 8)).toBe(8);
	});
	it('shares the frames out when the rings are large', () => {
		expect(ringsPerFrame(8, 16)).toBe(4);
		expect(ringsPerFrame(8, 64)).toBe(1);
	});
	it('always redraws at least one ring, and never more rings than CPUs', () => {
		expect(ringsPerFrame(1, 10 * SUBBUFS_PER_FRAME)).toBe(1);
		expect(ringsPerFrame(3, 1)).toBe(3);
		expect(ringsPerFrame(4, 0)).toBe(4);
	});
});
