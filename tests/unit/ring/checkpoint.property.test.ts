// Checkpoint/restore (time travel): over random operation sequences with nested contexts stepped
// one atomic step at a time, mappings, resizes and snapshot swaps, restoring a checkpoint taken at
// step k and replaying the rest gives byte-identical state and identical results, whether the
// buffer was re-laid out in between or not; the same buffer is reused when its size matches.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Simulation, type StepResult } from '../../../src/lib/ring';
import { randomStep } from './random-steps';

const config = fc.record({
	kernel: fc.constantFrom('6.10' as const, '6.12' as const),
	cpus: fc.integer({ min: 1, max: 2 }),
	subbufsPerCpu: fc.integer({ min: 2, max: 4 }),
	overwrite: fc.boolean(),
	snapshot: fc.boolean(),
	history: fc.constantFrom<'swap-from-remote-cpu'[]>([], ['swap-from-remote-cpu'])
});

const bytesOf = (sim: Simulation) => new Uint8Array(sim.ring.buf.slice(0));

/** Byte equality without vitest's element-wise diffing (slow on 100 KB arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
	return a.length === b.length && Buffer.compare(a, b) === 0;
}

function runAll(sim: Simulation, steps: unknown[]): StepResult[] {
	return steps.map((s) => sim.apply(s));
}

describe('checkpoint and restore', () => {
	test('restore at k then replay gives byte-identical state and identical results', () => {
		fc.assert(
			fc.property(
				config.chain((c) =>
					fc.record({
						c: fc.constant(c),
						steps: fc.array(randomStep(c.cpus), { minLength: 1, maxLength: 60 }),
						k: fc.nat()
					})
				),
				fc.boolean(),
				({ c, steps, k }, shared) => {
					const at = k % (steps.length + 1);
					const sim = new Simulation(c, shared);
					runAll(sim, steps.slice(0, at));
					const cp = sim.checkpoint();
					const cpBytes = cp.bytes.slice();
					const first = runAll(sim, steps.slice(at));
					const end1 = bytesOf(sim);
					const ctx1 = sim.contexts();
					const maps1 = [...sim.maps.values()];
					const bufBefore = sim.ring.buf;
					const moved = sim.restore(cp);
					expect(moved).toBe(bufBefore.byteLength !== cp.bytes.byteLength || moved);
					if (!moved) expect(sim.ring.buf).toBe(bufBefore);
					expect(sim.ring.buf instanceof SharedArrayBuffer).toBe(shared);
					expect(same(bytesOf(sim), cpBytes)).toBe(true);
					const second = runAll(sim, steps.slice(at));
					expect(second).toEqual(first);
					expect(same(bytesOf(sim), end1)).toBe(true);
					expect(sim.contexts()).toEqual(ctx1);
					expect([...sim.maps.values()]).toEqual(maps1);
					// the checkpoint itself was not changed by running on
					expect(same(cp.bytes, cpBytes)).toBe(true);
					// and a fresh simulation replaying everything agrees (determinism)
					const fresh = new Simulation(c, shared);
					runAll(fresh, steps);
					expect(same(bytesOf(fresh), end1)).toBe(true);
				}
			),
			{ numRuns: 100, endOnFailure: true }
		);
	}, 60_000);

	test('a checkpoint is frozen and restoring it twice gives the same state', () => {
		const sim = new Simulation({ cpus: 1, subbufsPerCpu: 3 });
		sim.apply({ op: 'write', cpu: 0, size: 40, repeat: 5 });
		sim.apply({
			op: 'spawn',
			as: 'w',
			cpu: 0,
			ctx: 'task',
			do: { op: 'write', cpu: 0, size: 8 }
		});
		sim.apply({ op: 'step', ctx: 'w', n: 3 });
		const cp = sim.checkpoint();
		expect(Object.isFrozen(cp)).toBe(true);
		const a = sim.apply({ op: 'finish', ctx: 'w' });
		sim.apply({ op: 'resize', cpu: 0, subbufs: 6 });
		expect(sim.restore(cp)).toBe(true); // the resize re-laid the buffer out
		const pc = sim.contexts()[0]?.pc;
		expect(pc).toBeGreaterThan(0);
		expect(sim.contexts()).toEqual([
			{
				name: 'w',
				ctx: 'task',
				cpu: 0,
				op: 'write',
				pc,
				state: 'running',
				depth: 1,
				blocked: null
			}
		]);
		expect(sim.apply({ op: 'finish', ctx: 'w' })).toEqual(a);
		expect(sim.restore(cp)).toBe(false);
		expect(sim.apply({ op: 'finish', ctx: 'w' })).toEqual(a);
	});
});
