// writeEvent (the one-call fast path) against the step machine run to its end: after any sequence
// of writes (small, large, crossing pages, pushing the head, with time extends), consumes and page
// reads, the two states are byte-identical.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Simulation } from '../../../src/lib/ring';
import { clockNow } from '../../../src/lib/ring/clock';
import { writeBurst, writeEvent } from '../../../src/lib/ring/writer';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Byte offset of the first difference between two states, -1 when they are identical. */
function firstDifference(a: ArrayBufferLike, b: ArrayBufferLike): number {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	if (x.equals(y)) return -1;
	for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
	return x.length;
}

describe('writeEvent(ring, cpu, payload, at)', () => {
	test('leaves exactly the bytes the stepped writer leaves', () => {
		fc.assert(
			fc.property(
				fc.record({
					subbufsPerCpu: fc.integer({ min: 2, max: 4 }),
					overwrite: fc.boolean(),
					subbufOrder: fc.integer({ min: 0, max: 1 })
				}),
				fc.array(
					fc.oneof(
						{
							weight: 8,
							arbitrary: fc.record({
								op: fc.constant('write' as const),
								bytes: fc.uint8Array({ minLength: 0, maxLength: 300 }),
								gap: fc.option(fc.integer({ min: 0, max: 2 ** 29 }), {
									nil: undefined
								})
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('write' as const),
								bytes: fc.uint8Array({ minLength: 2000, maxLength: 4000 }),
								gap: fc.constant(undefined)
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('consume' as const),
								count: fc.integer({ min: 1, max: 20 })
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({ op: fc.constant('readPage' as const) })
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('tracing' as const),
								on: fc.boolean()
							})
						}
					),
					{ maxLength: 100 }
				),
				(config, ops) => {
					const stepped = new Simulation(config);
					const fast = new Simulation(config);
					for (const o of ops) {
						if (o.op === 'write') {
							const at =
								o.gap === undefined ? undefined : clockNow(stepped.ring) + o.gap;
							const r = stepped.apply({
								op: 'write',
								cpu: 0,
								payload: hex(o.bytes),
								...(at === undefined ? {} : { at })
							});
							const ok = writeEvent(fast.ring, 0, o.bytes, at ?? -1);
							expect(ok).toBe(r.ok);
						} else {
							const step = o.op === 'tracing' ? o : { cpu: 0, ...o };
							const a = stepped.apply(step);
							expect(a.ok).toBe(true);
							expect(fast.apply(step)).toEqual(a);
						}
						expect(firstDifference(fast.ring.buf, stepped.ring.buf)).toBe(-1);
					}
				}
			),
			{ numRuns: 100, seed: 5, endOnFailure: true }
		);
	});
});

describe('writeEvent over runs that wrap the ring', () => {
	test('head pushes, overwrite loss and drops leave the stepped bytes, readers in between', () => {
		let lost = 0;
		let dropped = 0;
		fc.assert(
			fc.property(
				fc.record({
					subbufsPerCpu: fc.integer({ min: 2, max: 5 }),
					overwrite: fc.boolean(),
					mapped: fc.boolean()
				}),
				fc.array(
					fc.oneof(
						{
							weight: 6,
							arbitrary: fc.record({
								op: fc.constant('run' as const),
								size: fc.integer({ min: 0, max: 200 }),
								repeat: fc.integer({ min: 1, max: 250 }),
								seed: fc.integer({ min: 0, max: 255 })
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('clock' as const),
								advanceNs: fc.oneof(
									fc.integer({ min: 0, max: 1000 }),
									fc.constant(2 ** 28)
								)
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('consume' as const),
								count: fc.integer({ min: 1, max: 40 })
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({ op: fc.constant('readPage' as const) })
						},
						{
							weight: 2,
							arbitrary: fc.record({ op: fc.constant('getReader' as const) })
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('tracing' as const),
								on: fc.boolean()
							})
						}
					),
					{ maxLength: 25 }
				),
				({ mapped, ...config }, ops) => {
					const stepped = new Simulation(config);
					const fast = new Simulation(config);
					if (mapped)
						for (const sim of [stepped, fast])
							expect(sim.apply({ op: 'map', cpu: 0, as: 'meta' }).ok).toBe(true);
					for (const o of ops) {
						if (o.op === 'run') {
							const bytes = new Uint8Array(o.size).map((_, i) => o.seed + i);
							const r = stepped.apply({
								op: 'write',
								cpu: 0,
								payload: hex(bytes),
								repeat: o.repeat
							});
							let ok = 0;
							for (let i = 0; i < o.repeat; i++)
								if (writeEvent(fast.ring, 0, bytes)) ok++;
							expect(ok).toBe(o.repeat > 1 ? r.written : r.ok ? 1 : 0);
						} else if (o.op === 'getReader' && !mapped) continue;
						else {
							const step =
								o.op === 'tracing' || o.op === 'clock' ? o : { cpu: 0, ...o };
							const a = stepped.apply(step);
							expect(fast.apply(step)).toEqual(a);
						}
						expect(firstDifference(fast.ring.buf, stepped.ring.buf)).toBe(-1);
					}
					const c = stepped.state().cpus[0]!.counters;
					lost += c.pages_lost;
					dropped += c.dropped_events;
				}
			),
			{ numRuns: 60, seed: 13, endOnFailure: true }
		);
		// the runs did reach the head: pages pushed in overwrite mode, events dropped without it
		expect(lost).toBeGreaterThan(0);
		expect(dropped).toBeGreaterThan(0);
	});
});

describe('writeBurst(ring, cpu, payload, n, stamp)', () => {
	test('leaves exactly the bytes of n writeEvent calls, and stamps each event', () => {
		fc.assert(
			fc.property(
				fc.record({
					subbufsPerCpu: fc.integer({ min: 2, max: 4 }),
					overwrite: fc.boolean(),
					subbufOrder: fc.integer({ min: 0, max: 1 })
				}),
				fc.array(
					fc.oneof(
						{
							weight: 6,
							arbitrary: fc.record({
								op: fc.constant('burst' as const),
								size: fc.integer({ min: 8, max: 700 }),
								n: fc.integer({ min: 1, max: 400 }),
								publish: fc.constantFrom('event' as const, 'page' as const),
								// a clock: its readings step by these, in turn (backwards too)
								clock: fc.option(
									fc.array(
										fc.oneof(
											fc.integer({ min: -300, max: 3000 }),
											fc.constant(2 ** 28)
										),
										{ minLength: 1, maxLength: 6 }
									),
									{ nil: undefined }
								)
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('clock' as const),
								advanceNs: fc.integer({ min: 0, max: 2 ** 28 })
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('consume' as const),
								cpu: fc.constant(0),
								count: fc.integer({ min: 1, max: 50 })
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({
								op: fc.constant('readPage' as const),
								cpu: fc.constant(0)
							})
						}
					),
					{ maxLength: 30 }
				),
				(config, ops) => {
					const burst = new Simulation(config);
					const single = new Simulation(config);
					for (const o of ops) {
						if (o.op === 'burst') {
							const a = new Uint8Array(o.size);
							const b = new Uint8Array(o.size);
							const stamp = (p: Uint8Array) => (seq: number) => p.fill(seq & 0xff);
							const steps = o.clock;
							const clockFrom = (t: number) => {
								let i = 0;
								return () => (t += steps![i++ % steps!.length]!);
							};
							const start = clockNow(single.ring);
							const clock = steps ? clockFrom(start) : undefined;
							const got = writeBurst(
								burst.ring,
								0,
								a,
								o.n,
								stamp(a),
								undefined,
								clock,
								o.publish
							);
							const reading = steps ? clockFrom(start) : () => -1;
							let want = 0;
							for (let i = 0; i < o.n; i++) {
								stamp(b)(want);
								if (writeEvent(single.ring, 0, b, reading())) want++;
							}
							expect(got).toBe(want);
						} else {
							expect(burst.apply(o)).toEqual(single.apply(o));
						}
						expect(firstDifference(burst.ring.buf, single.ring.buf)).toBe(-1);
					}
				}
			),
			{ numRuns: 60, seed: 9, endOnFailure: true }
		);
	});
});

describe('writeEvent with a payload that views the state itself', () => {
	test('copies the bytes as they were before the write, like the step machine', () => {
		const stepped = new Simulation({ subbufsPerCpu: 3 });
		const fast = new Simulation({ subbufsPerCpu: 3 });
		for (let i = 0; i < 40; i++) {
			const bytes = new Uint8Array(24).map((_, j) => i * 7 + j);
			stepped.apply({ op: 'write', cpu: 0, payload: hex(bytes) });
			writeEvent(fast.ring, 0, bytes);
		}
		// the payload: 64 bytes of the first sub-buffer of each state (its own records)
		const off = fast.ring.L.dataOff + 4096;
		const own = new Uint8Array(fast.ring.buf, off, 64);
		const copy = new Uint8Array(stepped.ring.buf, off, 64);
		expect(hex(own)).toBe(hex(copy));
		const r = stepped.apply({ op: 'write', cpu: 0, payload: hex(copy) });
		expect(writeEvent(fast.ring, 0, own)).toBe(r.ok);
		expect(firstDifference(fast.ring.buf, stepped.ring.buf)).toBe(-1);
	});
});
