// writerProgress: what the page's redraw while writers run uses to skip a CPU nothing wrote to.
import { describe, expect, test } from 'vitest';
import { Simulation, writerProgress } from '../../../src/lib/ring';

describe('writerProgress(ring, cpu)', () => {
	test('moves when a writer starts and when its event is in; not for other CPUs or reads', () => {
		const sim = new Simulation({ cpus: 2, subbufsPerCpu: 4 });
		const at0 = writerProgress(sim.ring, 0);
		const at1 = writerProgress(sim.ring, 1);
		// A stepped writer: the number moves at rb_start_commit, again when the event is in.
		const spawn = sim.apply({
			op: 'spawn',
			as: 'w',
			ctx: 'task',
			cpu: 0,
			do: { op: 'write', cpu: 0, size: 16 }
		});
		expect(spawn.ok).toBe(true);
		const seen = new Set([writerProgress(sim.ring, 0)]);
		for (let i = 0; i < 40 && sim.apply({ op: 'step', ctx: 'w' }).ok; i++)
			seen.add(writerProgress(sim.ring, 0));
		expect(seen.size).toBeGreaterThanOrEqual(3);
		const afterOne = writerProgress(sim.ring, 0);
		expect(afterOne).not.toBe(at0);
		expect(writerProgress(sim.ring, 1)).toBe(at1);
		// Reading changes the ring but is not a writer: the page redraws after a read anyway.
		expect(sim.apply({ op: 'consume', cpu: 0 }).ok).toBe(true);
		expect(writerProgress(sim.ring, 0)).toBe(afterOne);
		expect(sim.apply({ op: 'write', cpu: 0, size: 24 }).ok).toBe(true);
		expect(writerProgress(sim.ring, 0)).not.toBe(afterOne);
	});
});
