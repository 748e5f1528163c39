// Explore on random small setups (the kernel as merged): every end state it reaches satisfies the
// invariants and no warning fires on the way; and every end state that random schedules run
// through the step API reach is one explore found (no outcome missed by the deduplication).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	endStateHash,
	explore,
	parseScenario,
	runScenario,
	type Scenario,
	type Simulation
} from '../../../src/lib/ring';

const ctxSpec = (cpus: number) =>
	fc.record({
		cpu: fc.integer({ min: 0, max: cpus - 1 }),
		ctx: fc.constantFrom('task', 'irq', 'nmi', 'reader'),
		size: fc.integer({ min: 1, max: 200 })
	});

const setup = fc
	.record({
		cpus: fc.integer({ min: 1, max: 2 }),
		subbufsPerCpu: fc.integer({ min: 2, max: 3 }),
		overwrite: fc.boolean()
	})
	.chain((config) =>
		fc.record({
			config: fc.constant(config),
			before: fc.array(
				fc.record({
					cpu: fc.integer({ min: 0, max: config.cpus - 1 }),
					size: fc.integer({ min: 1, max: 1500 })
				}),
				{ maxLength: 8 }
			),
			ctxs: fc.array(ctxSpec(config.cpus), { minLength: 2, maxLength: 3 }),
			firstSteps: fc.integer({ min: 0, max: 12 }),
			seed: fc.integer()
		})
	);

type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

function scenarioOf(s: Setup): Scenario {
	const steps: unknown[] = s.before.map((w) => ({ op: 'write', ...w }));
	s.ctxs.forEach((c, i) => {
		const op =
			c.ctx === 'reader'
				? { op: 'consume', cpu: c.cpu }
				: { op: 'write', cpu: c.cpu, size: c.size };
		steps.push({ op: 'spawn', as: `c${i}`, cpu: c.cpu, ctx: c.ctx, do: op });
		// The first context is partly stepped before the others are spawned.
		if (i === 0 && s.firstSteps > 0) steps.push({ op: 'step', ctx: 'c0', n: s.firstSteps });
	});
	return parseScenario({ ringlab: 1, config: s.config, steps });
}

/** One random schedule from the setup through the step API; its end state's hash, or null if stuck. */
function randomSchedule(sim: Simulation, rand: () => number): string | null {
	for (;;) {
		const ctxs = sim.contexts();
		if (!ctxs.length) return endStateHash(sim);
		const ready = ctxs.filter((c) => c.blocked === null);
		if (!ready.length) return null;
		const c = ready[Math.floor(rand() * ready.length)]!;
		const r = sim.apply({ op: 'step', ctx: c.name });
		if (!r.ok) return null;
	}
}

function mulberry32(a: number): () => number {
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('explore (property)', () => {
	test('end states satisfy the invariants; random schedules end where explore found', () => {
		fc.assert(
			fc.property(setup, (s) => {
				const sc = scenarioOf(s);
				const r = explore(sc, { maxStates: 4000 });
				if (r.violations.some((v) => v.kind === 'setup')) return; // a refused spawn or step
				expect(r.violations).toEqual([]);
				if (!r.complete) return;
				const ends = new Set(r.ends.map((g) => g.hash));
				const rand = mulberry32(s.seed);
				for (let i = 0; i < 8; i++) {
					const sim = runScenario(sc).sim;
					const h = randomSchedule(sim, rand);
					if (h !== null) expect(ends.has(h)).toBe(true);
				}
			}),
			{ numRuns: 25 }
		);
	});
});
