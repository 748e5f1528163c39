// getReader (GET_READER in one call) against the reader step machine run through Simulation: after
// any sequence of writes (wrapping the ring, with overwrite loss), consumes, page reads and
// GET_READER calls, the two states are byte-identical; and MappedConsumer, walking the handed-over
// sub-buffers in place, sees exactly the events takeHandedEvents decodes.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { Simulation } from '../../../src/lib/ring';
import { getReader } from '../../../src/lib/ring/reader/get-reader';
import { MappedConsumer } from '../../../src/lib/ring/mapped-consumer';
import { takeHandedEvents, type ConsumerCursor } from '../../../src/lib/ring/user-space';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function firstDifference(a: ArrayBufferLike, b: ArrayBufferLike): number {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	if (x.equals(y)) return -1;
	for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
	return x.length;
}

describe('getReader(ring, cpu)', () => {
	test('leaves the bytes of the stepped GET_READER; the in-place consumer sees its events', () => {
		let swaps = 0;
		let missed = 0;
		fc.assert(
			fc.property(
				fc.record({
					subbufsPerCpu: fc.integer({ min: 2, max: 5 }),
					overwrite: fc.boolean(),
					subbufOrder: fc.integer({ min: 0, max: 1 }),
					kernel: fc.constantFrom('6.10' as const, '6.12' as const)
				}),
				fc.array(
					fc.oneof(
						{
							weight: 4,
							arbitrary: fc.record({
								op: fc.constant('write' as const),
								size: fc.integer({ min: 0, max: 300 }),
								repeat: fc.integer({ min: 1, max: 200 }),
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
								count: fc.integer({ min: 1, max: 30 })
							})
						},
						{
							weight: 1,
							arbitrary: fc.record({ op: fc.constant('readPage' as const) })
						},
						{
							weight: 4,
							arbitrary: fc.record({ op: fc.constant('getReader' as const) })
						}
					),
					{ maxLength: 30 }
				),
				(config, ops) => {
					const stepped = new Simulation(config);
					const fast = new Simulation(config);
					const subbufs = config.subbufsPerCpu + 1;
					const pages =
						config.kernel === '6.12'
							? (subbufs + 1) << config.subbufOrder
							: (subbufs << config.subbufOrder) + 1;
					const length = pages * 4096;
					for (const sim of [stepped, fast])
						expect(sim.apply({ op: 'map', cpu: 0, as: 'all', length }).ok).toBe(true);
					const m = stepped.maps.get('all')!;
					const cursor: ConsumerCursor = { id: -1, pos: 0 };
					const fm = fast.maps.get('all')!;
					const consumer = new MappedConsumer(fast.ring, fm, fm);
					let lost = 0;
					let unknown = false;
					for (const o of ops) {
						if (o.op === 'getReader') {
							const a = stepped.apply({ op: 'getReader', cpu: 0 });
							const warnings: string[] = [];
							expect(getReader(fast.ring, 0, (w) => warnings.push(w))).toBe('ok');
							expect(warnings).toEqual(a.warnings.map((w) => w.message));
							expect(firstDifference(fast.ring.buf, stepped.ring.buf)).toBe(-1);
							const want = takeHandedEvents(stepped.ring, m, [m], cursor);
							const payloads: string[] = [];
							const seen = consumer.take((u8, off, len) =>
								payloads.push(hex(u8.subarray(off, off + len)))
							);
							expect(seen).toBe(want.events.length);
							expect(payloads).toEqual(want.events.map((e) => e.payload));
							if (want.missed > 0) lost += want.missed;
							if (want.missed < 0) unknown = true;
							expect(consumer.missed).toBe(lost);
							expect(consumer.unknownLoss).toBe(unknown);
							if (want.newPage) swaps++;
						} else {
							const step =
								o.op === 'write'
									? {
											op: 'write' as const,
											cpu: 0,
											payload: hex(
												new Uint8Array(o.size).map((_, i) => o.seed + i)
											),
											repeat: o.repeat
										}
									: o.op === 'clock'
										? o
										: { cpu: 0, ...o };
							expect(fast.apply(step)).toEqual(stepped.apply(step));
						}
						expect(firstDifference(fast.ring.buf, stepped.ring.buf)).toBe(-1);
					}
					missed += lost;
				}
			),
			{ numRuns: 60, seed: 21, endOnFailure: true }
		);
		expect(swaps).toBeGreaterThan(0);
		expect(missed).toBeGreaterThan(0);
	});
});
