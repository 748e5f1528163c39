// `explore` (issue #15): every schedule of the contexts a scenario leaves in flight, counted by
// hand on small setups; dedup; interrupts landing at every step; an expectation one interleaving
// breaks; the 2014 swap race found with its history switch on and absent with it off.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
	explore,
	parseScenario,
	runScenario,
	Simulation,
	violationScenario,
	splitScenario,
	describeSchedule,
	scheduleSteps,
	FormatError
} from '../../../src/lib/ring';

const write = (cpu: number, extra: object = {}) => ({ op: 'write', cpu, size: 16, ...extra });

/** The atomic steps of a plain 16-byte write on an empty buffer, run alone. */
function soloWriteSteps(): number {
	const sim = new Simulation({ subbufsPerCpu: 3 });
	let n = 0;
	sim.onStep = () => n++;
	sim.apply(write(0));
	return n;
}

/** Two plain writes on two CPUs, spawned and not stepped. */
const twoWriters = () =>
	parseScenario({
		ringlab: 1,
		config: { cpus: 2, subbufsPerCpu: 3 },
		steps: [
			{ op: 'spawn', as: 'a', cpu: 0, ctx: 'task', do: write(0) },
			{ op: 'spawn', as: 'b', cpu: 1, ctx: 'task', do: write(1) }
		]
	});

const binom = (n: number, k: number): number => (k === 0 ? 1 : (binom(n - 1, k - 1) * n) / k);

describe('explore', () => {
	const W = soloWriteSteps();

	test('two writers on two CPUs interleave freely: C(a+b, a) schedules', () => {
		// Both from their first step: any interleaving of W and W steps.
		const sc = parseScenario({
			ringlab: 1,
			config: { cpus: 2, subbufsPerCpu: 3 },
			steps: [
				{ op: 'spawn', as: 'a', cpu: 0, ctx: 'task', do: write(0) },
				{ op: 'spawn', as: 'b', cpu: 1, ctx: 'task', do: write(1) },
				{ op: 'step', ctx: 'a', n: W - 2 },
				{ op: 'step', ctx: 'b', n: W - 3 },
				// The file's one schedule: explore ignores it.
				{ op: 'finish', ctx: 'a' },
				{ op: 'finish', ctx: 'b' }
			]
		});
		// The setup ends at the last spawn: the step/finish steps after it are ignored.
		const r = explore(sc);
		expect(r.ignored).toBe(4);
		expect(r.schedules).toBe(binom(2 * W, W));
		expect(r.violations).toEqual([]);
		expect(r.complete).toBe(true);
		// Converging schedules are explored once.
		expect(r.states).toBeLessThan(r.schedules);

		// a stepped to 2 steps before its end, then b spawned: 2 and b's steps, over 3 x (b+1) states.
		const partly = parseScenario({
			ringlab: 1,
			config: { cpus: 2, subbufsPerCpu: 3 },
			steps: [
				{ op: 'spawn', as: 'a', cpu: 0, ctx: 'task', do: write(0) },
				{ op: 'step', ctx: 'a', n: W - 2 },
				{ op: 'spawn', as: 'b', cpu: 1, ctx: 'task', do: write(1, { at: 5000 }) }
			]
		});
		const sim = new Simulation({ cpus: 2, subbufsPerCpu: 3 });
		let bSteps = 0;
		sim.onStep = () => bSteps++;
		sim.apply(write(1, { at: 5000 }));
		const p = explore(partly);
		expect(p.schedules).toBe(binom(2 + bSteps, 2));
		expect(p.states).toBe(3 * (bSteps + 1));
		expect(p.ends).toHaveLength(1);
		expect(p.ends[0]!.count).toBe(p.schedules);
	});

	test('an interrupt declared during a task writer lands before each of its steps', () => {
		const sc = parseScenario({
			ringlab: 1,
			config: { subbufsPerCpu: 3 },
			steps: [{ op: 'spawn', as: 'task', cpu: 0, ctx: 'task', do: write(0) }],
			interrupts: [
				{ as: 'irq', cpu: 0, ctx: 'irq', do: write(0, { size: 32 }), during: 'task' }
			]
		});
		const r = explore(sc);
		// One schedule per landing point: before the task's 1st, 2nd, ... W-th step.
		expect(r.schedules).toBe(W);
		expect(r.ends.length).toBeGreaterThan(1);
		expect(r.violations).toEqual([]);
		for (const g of r.ends) expect(g.schedule.filter((m) => m.interrupt)).toHaveLength(1);
	});

	test('an expectation one interleaving breaks is a violation whose schedule replays', () => {
		const sc = parseScenario({
			ringlab: 1,
			config: { subbufsPerCpu: 3 },
			steps: [
				{
					op: 'spawn',
					as: 'task',
					cpu: 0,
					ctx: 'task',
					do: { op: 'write', cpu: 0, payload: '01020304' }
				},
				{
					op: 'consume',
					cpu: 0,
					expect: { events: [{ payload: '01020304' }, { payload: '0a0b0c0d' }] }
				}
			],
			interrupts: [
				{
					as: 'irq',
					cpu: 0,
					ctx: 'irq',
					do: { op: 'write', cpu: 0, payload: '0a0b0c0d' },
					during: 'task'
				}
			]
		});
		const r = explore(sc);
		expect(r.tail).toBe(1);
		const v = r.violations.find((x) => x.kind === 'expect')!;
		expect(v.message).toMatch(/expect\.events\[0\]\.payload/);
		// Where the interrupt lands before the task reserves, its event is read first.
		expect(v.schedule.filter((m) => m.interrupt)).toHaveLength(1);
		expect(r.schedules).toBe(W);
		const replay = runScenario(violationScenario(sc, splitScenario(sc), v));
		expect(replay.ok).toBe(false);
		expect(replay.failure).toMatch(/expect\.events\[0\]\.payload/);
	});

	test('a schedule in words and as steps: runs merged, an interrupt spawned where it lands', () => {
		const sc = parseScenario({
			ringlab: 1,
			config: {},
			steps: [{ op: 'spawn', as: 't', cpu: 0, ctx: 'task', do: write(0) }],
			interrupts: [{ as: 'i', cpu: 0, ctx: 'irq', do: write(0), during: 't' }]
		});
		const moves = [
			{ ctx: 't' },
			{ ctx: 'i', interrupt: true as const },
			{ ctx: 'i' },
			{ ctx: 't' }
		];
		expect(describeSchedule(moves)).toBe('t, i (lands) x2, t');
		expect(describeSchedule([])).toBe('(the setup)');
		expect(scheduleSteps(moves, splitScenario(sc))).toEqual([
			{ op: 'step', ctx: 't' },
			{ op: 'spawn', as: 'i', cpu: 0, ctx: 'irq', do: write(0) },
			{ op: 'step', ctx: 'i', n: 2 },
			{ op: 'step', ctx: 't' }
		]);
	});

	test('a scenario without a spawn, or an interrupt during a finished context, is refused', () => {
		const sc = parseScenario({ ringlab: 1, config: {}, steps: [write(0)] });
		expect(() => explore(sc)).toThrow(FormatError);
		const done = parseScenario({
			ringlab: 1,
			config: {},
			steps: [
				{ op: 'spawn', as: 't', cpu: 0, ctx: 'task', do: write(0) },
				{ op: 'finish', ctx: 't' },
				{ op: 'spawn', as: 'u', cpu: 0, ctx: 'task', do: write(0) }
			],
			interrupts: [{ as: 'i', cpu: 0, ctx: 'irq', do: write(0), during: 't' }]
		});
		expect(() => explore(done)).toThrow(/not in flight after the last spawn/);
	});

	test('--max-states stops the search and says so', () => {
		const sc = twoWriters();
		const r = explore(sc, { maxStates: 50 });
		expect(r.complete).toBe(false);
		expect(r.bound).toBe('max-states');
		expect(r.states).toBe(50);
		expect(r.frontier).toBeGreaterThan(0);
	});

	test('progress: states, frontier and elapsed time while it runs', () => {
		const seen: { states: number; frontier: number }[] = [];
		explore(twoWriters(), { progressMs: 0, onProgress: (p) => seen.push(p) });
		expect(seen.length).toBeGreaterThan(10);
		expect(seen.at(-1)!.states).toBeGreaterThan(seen[0]!.states);
		expect(seen.some((p) => p.frontier > 0)).toBe(true);
	});

	test('--preemptions 0: each context runs until it ends or blocks', () => {
		const sc = twoWriters();
		const r0 = explore(sc, { preemptions: 0 });
		expect(r0.schedules).toBe(2); // a then b, b then a
		expect(r0.bound).toBe('preemptions');
		const r1 = explore(sc, { preemptions: 1 });
		// One switch away from a runnable context: a's first i steps, then b to its end, then a.
		expect(r1.schedules).toBe(2 * W);
	});
});

describe('explore finds the 2014 writer/swap_cpu race by itself', () => {
	const file = join(__dirname, '../../../scenarios/history/swap-race.json');
	const doc = JSON.parse(readFileSync(file, 'utf8')) as { config: object };

	test('with the history switch on: the warning, with a schedule that replays to it', () => {
		const sc = parseScenario(doc);
		const r = explore(sc);
		expect(r.complete).toBe(true);
		const v = r.violations.find((x) => x.kind === 'warning')!;
		expect(v.message).toBe('rb_end_commit with committing == 0');
		const replay = runScenario(violationScenario(sc, splitScenario(sc), v));
		expect(replay.ok).toBe(false);
		expect(replay.outcomes.at(-1)!.result.warnings).toEqual([
			{ message: 'rb_end_commit with committing == 0' }
		]);
	});

	test('with it off (the kernel as merged): every schedule, no violation', () => {
		const sc = parseScenario({ ...doc, config: { ...doc.config, history: [] } });
		const r = explore(sc);
		expect(r.complete).toBe(true);
		expect(r.violations).toEqual([]);
		expect(r.schedules).toBeGreaterThan(1);
	});
});
