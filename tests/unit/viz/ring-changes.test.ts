import { describe, expect, it } from 'vitest';
import { Simulation, describeCpu, type Step } from '../../../src/lib/ring';
import { ringChanges } from '../../../src/lib/viz/ring-changes';
import { reservedBytes } from '../../../src/lib/viz/ring-layout';

const CAPACITY = 4096 - 16;

/** CPU 0 as the page draws it after each of `steps`. */
function after(steps: Step[]) {
	const sim = new Simulation({ cpus: 1, subbufsPerCpu: 4 });
	return steps.map((s) => {
		const r = sim.apply(s);
		expect(r.ok, JSON.stringify(r)).toBe(true);
		return describeCpu(sim.ring, 0);
	});
}

describe('reservedBytes: what a writer holds between commit and its write index', () => {
	it('a task stopped after its reservation (__rb_reserve_next [C]) holds its event, committed nothing', () => {
		const states = after([
			{ op: 'write', cpu: 0, size: 16 },
			{ op: 'spawn', as: 't', cpu: 0, ctx: 'task', do: { op: 'write', cpu: 0, size: 104 } },
			{ op: 'step', ctx: 't', n: 6 },
			{ op: 'finish', ctx: 't' }
		]);
		const reserving = states[2]!;
		const page = reserving.pages[reserving.tail]!;
		expect(page.commit).toBe(20);
		expect(reservedBytes(page, CAPACITY)).toBe(108);
		// once it commits nothing is reserved any more
		const done = states[3]!;
		expect(reservedBytes(done.pages[done.tail]!, CAPACITY)).toBe(0);
		expect(done.pages[done.tail]!.commit).toBe(128);
	});

	it('is clamped to the data area and never negative', () => {
		expect(reservedBytes({ commit: 4000, write: 4200 }, CAPACITY)).toBe(CAPACITY - 4000);
		expect(reservedBytes({ commit: 100, write: 20 }, CAPACITY)).toBe(0);
	});
});

describe('ringChanges: what one step changed', () => {
	it('marks tail and commit when a write moves to the next page, nothing of theirs on the next write', () => {
		const [a, b, c] = after([
			{ op: 'write', cpu: 0, size: 2000, repeat: 2 },
			{ op: 'write', cpu: 0, size: 2000 },
			{ op: 'write', cpu: 0, size: 16 }
		]);
		const moved = ringChanges(a, b!);
		expect([...moved.pointers].sort()).toEqual(['commit', 'tail']);
		expect(moved.pages.has(b!.tail)).toBe(true);
		const still = ringChanges(b, c!);
		expect([...still.pointers]).toEqual([]);
		expect([...still.pages]).toEqual([c!.tail]);
	});

	it('marks the reader, the head and the links a reader-page swap rewired', () => {
		const [a, b] = after([
			{ op: 'write', cpu: 0, size: 16, repeat: 3 },
			{ op: 'consume', cpu: 0, count: 1 }
		]);
		const swap = ringChanges(a, b!);
		expect(swap.pointers.has('reader')).toBe(true);
		expect(swap.links.size).toBeGreaterThan(0);
	});

	it('marks nothing without a step before, or across machines of another size', () => {
		const [a] = after([{ op: 'write', cpu: 0, size: 16 }]);
		expect(ringChanges(undefined, a!).pointers.size).toBe(0);
		const other = new Simulation({ cpus: 1, subbufsPerCpu: 8 });
		expect(ringChanges(describeCpu(other.ring, 0), a!).pages.size).toBe(0);
	});
});
