// Property tests over random operation sequences and random schedules of nested contexts: the ring
// stays a ring with one HEAD, the reader page stays out, commit never passes the tail, every event
// is accounted for (written = read + overwritten + dropped + still in the buffer), and per CPU the
// events come out in order with non-decreasing time stamps.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkInvariants, Simulation, type StepResult } from '../../../src/lib/ring';

interface Ev {
	ts: number;
	payload: string;
	lost: number;
}

/** The sequence number a generated payload carries in its first four bytes. */
const seqOf = (e: Ev) =>
	parseInt(
		e.payload.slice(6, 8) +
			e.payload.slice(4, 6) +
			e.payload.slice(2, 4) +
			e.payload.slice(0, 2),
		16
	);

class Tracker {
	written: number[] = [];
	failed: number[] = [];
	read: Ev[][] = [];
	constructor(cpus: number) {
		for (let c = 0; c < cpus; c++) {
			this.written.push(0);
			this.failed.push(0);
			this.read.push([]);
		}
	}
	wrote(cpu: number, r: StepResult) {
		if (r.ok) this.written[cpu]!++;
		else this.failed[cpu]!++;
	}
	consumed(cpu: number, r: StepResult) {
		for (const e of (r.events as Ev[] | undefined) ?? []) this.read[cpu]!.push(e);
	}
	check(sim: Simulation, overwrite: boolean) {
		expect(checkInvariants(sim.ring)).toEqual([]);
		sim.state().cpus.forEach((c, cpu) => {
			const k = c.counters;
			expect(k.entries).toBe(this.written[cpu]);
			expect(k.dropped_events + k.commit_overrun).toBe(this.failed[cpu]);
			expect(k.read).toBe(this.read[cpu]!.length);
			const evs = this.read[cpu]!;
			for (let i = 1; i < evs.length; i++) {
				expect(evs[i]!.ts).toBeGreaterThanOrEqual(evs[i - 1]!.ts);
				const gap = seqOf(evs[i]!) - seqOf(evs[i - 1]!) - 1;
				expect(gap).toBeGreaterThanOrEqual(0);
				// Every event that never came out was overwritten and reported lost just before the next
				// one (a dropped write gets no sequence number: it was never written).
				expect(gap).toBe(overwrite ? evs[i]!.lost : 0);
			}
			if (!overwrite) expect(k.overrun).toBe(0);
		});
	}
}

const op = (cpus: number) =>
	fc.oneof(
		{
			weight: 6,
			arbitrary: fc.record({
				op: fc.constant('write'),
				cpu: fc.nat(cpus - 1),
				size: fc.integer({ min: 4, max: 300 })
			})
		},
		{
			weight: 1,
			arbitrary: fc.record({
				op: fc.constant('write'),
				cpu: fc.nat(cpus - 1),
				size: fc.integer({ min: 4, max: 4072 })
			})
		},
		{
			weight: 1,
			arbitrary: fc.record({
				op: fc.constant('write'),
				cpu: fc.nat(cpus - 1),
				size: fc.integer({ min: 4, max: 64 }),
				deltaNs: fc.integer({ min: 0, max: 2 ** 30 })
			})
		},
		{
			weight: 2,
			arbitrary: fc.record({
				op: fc.constant('consume'),
				cpu: fc.nat(cpus - 1),
				count: fc.integer({ min: 1, max: 8 })
			})
		},
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('consume'), cpu: fc.nat(cpus - 1) }) }
	);

describe('random operation sequences', () => {
	test('keep every invariant and account for every event', () => {
		fc.assert(
			fc.property(
				fc.record({
					cpus: fc.integer({ min: 1, max: 2 }),
					subbufsPerCpu: fc.integer({ min: 2, max: 5 }),
					overwrite: fc.boolean()
				}),
				fc.array(op(2), { maxLength: 120 }),
				(config, ops) => {
					const sim = new Simulation(config);
					const t = new Tracker(config.cpus);
					for (const o of ops) {
						if (o.cpu >= config.cpus) continue;
						const r = sim.apply(o);
						if (o.op === 'write') t.wrote(o.cpu, r);
						else t.consumed(o.cpu, r);
						expect(checkInvariants(sim.ring)).toEqual([]);
					}
					for (let c = 0; c < config.cpus; c++)
						t.consumed(c, sim.apply({ op: 'consume', cpu: c }));
					t.check(sim, config.overwrite);
					for (const c of sim.state().cpus)
						expect(c.counters.entries - c.counters.overrun - c.counters.read).toBe(0);
				}
			),
			{ numRuns: 150, seed: 42 }
		);
	});

	test('page reads and resizes keep the ring a ring with one head', () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.oneof(
						fc.record({
							op: fc.constant('write'),
							cpu: fc.constant(0),
							size: fc.integer({ min: 1, max: 2000 })
						}),
						fc.record({ op: fc.constant('readPage'), cpu: fc.constant(0) }),
						fc.record({
							op: fc.constant('resize'),
							cpu: fc.constant(0),
							subbufs: fc.integer({ min: 1, max: 7 })
						}),
						fc.record({ op: fc.constant('reset'), cpu: fc.constant(0) })
					),
					{ maxLength: 80 }
				),
				(ops) => {
					const sim = new Simulation({ subbufsPerCpu: 3 });
					for (const o of ops) {
						expect(sim.apply(o).ok).toBe(true);
						expect(checkInvariants(sim.ring)).toEqual([]);
					}
				}
			),
			{ numRuns: 150, seed: 7 }
		);
	});
});

/**
 * A random schedule: each choice picks one of the moves allowed now (step the innermost writer,
 * start a new writer that outranks it, step a reader, spawn a context), so shrinking keeps it valid.
 */
describe('random schedules of nested contexts', () => {
	test('keep the invariants after every atomic step and account for every event', () => {
		fc.assert(
			fc.property(
				fc.record({
					subbufsPerCpu: fc.integer({ min: 2, max: 4 }),
					overwrite: fc.boolean()
				}),
				fc.array(fc.nat(1000), { minLength: 1, maxLength: 300 }),
				fc.array(fc.integer({ min: 4, max: 1500 }), { minLength: 1, maxLength: 20 }),
				(config, choices, sizes) => {
					const sim = new Simulation(config);
					const t = new Tracker(1);
					const live = new Map<string, { ctx: string; started: boolean }>();
					let n = 0;
					const stack: string[] = [];
					const rank: Record<string, number> = { task: 0, irq: 1, nmi: 2 };
					const record = (name: string, r: StepResult) => {
						const res = (r.result ?? r) as StepResult;
						if (live.get(name)!.ctx === 'reader') t.consumed(0, res);
						else t.wrote(0, res);
						live.delete(name);
						const i = stack.indexOf(name);
						if (i >= 0) stack.splice(i, 1);
					};
					for (const choice of choices) {
						const top = stack.at(-1);
						const moves: (() => void)[] = [];
						if (top) moves.push(() => stepOne(top));
						for (const [name, c] of live) {
							if (c.ctx === 'reader') moves.push(() => stepOne(name));
							else if (
								!c.started &&
								(!top || rank[c.ctx]! > rank[live.get(top)!.ctx]!)
							)
								moves.push(() => {
									c.started = true;
									stack.push(name);
									stepOne(name);
								});
						}
						if (live.size < 6) {
							const ctx = (['task', 'irq', 'nmi', 'reader'] as const)[choice % 4]!;
							moves.push(() => {
								const name = `c${n++}`;
								const d =
									ctx === 'reader'
										? { op: 'consume', cpu: 0, count: 1 + (choice % 3) }
										: { op: 'write', cpu: 0, size: sizes[n % sizes.length] };
								expect(
									sim.apply({ op: 'spawn', as: name, cpu: 0, ctx, do: d }).ok
								).toBe(true);
								live.set(name, { ctx, started: false });
							});
						}
						moves[choice % moves.length]!();
						expect(checkInvariants(sim.ring)).toEqual([]);
					}
					function stepOne(name: string) {
						const r = sim.apply({ op: 'step', ctx: name });
						expect(r.ok).toBe(true);
						if (r.done) record(name, r);
					}
					// finish: innermost writer first, then the rest
					while (stack.length) {
						const name = stack.at(-1)!;
						record(name, sim.apply({ op: 'finish', ctx: name }));
					}
					for (const [name] of [...live])
						record(name, sim.apply({ op: 'finish', ctx: name }));
					t.consumed(0, sim.apply({ op: 'consume', cpu: 0 }));
					expect(checkInvariants(sim.ring)).toEqual([]);
					const k = sim.state().cpus[0]!.counters;
					expect(k.entries).toBe(t.written[0]);
					expect(k.read).toBe(t.read[0]!.length);
					expect(k.entries - k.overrun - k.read).toBe(0);
					for (const w of sim.apply({ op: 'consume', cpu: 0 }).warnings)
						expect(w).toBeUndefined();
				}
			),
			{ numRuns: 200, seed: 1 }
		);
	});
});
