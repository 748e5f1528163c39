// Random scenario steps for property tests: writes, contexts of every kind spawned and stepped one
// atomic step at a time (so IRQs and NMIs interrupt writers anywhere), reads, mappings, resizes,
// sub-buffer order changes and snapshot swaps. Many are refused, which is part of what is tested.
import fc from 'fast-check';

const NAMES = ['a', 'b', 'c', 'd'];

/** Random steps over one or two CPUs: many are refused, which is part of what is tested. */
export const randomStep = (cpus: number) => {
	const cpu = fc.nat(cpus - 1);
	const name = fc.constantFrom(...NAMES);
	const write = (c: number) => ({ op: 'write', cpu: c });
	return fc.oneof(
		{
			weight: 5,
			arbitrary: fc
				.record({ cpu, size: fc.integer({ min: 1, max: 600 }) })
				.map((r) => ({ ...write(r.cpu), size: r.size }))
		},
		{
			weight: 4,
			arbitrary: fc
				.record({
					as: name,
					cpu,
					ctx: fc.constantFrom('task', 'irq', 'nmi', 'reader', 'user', 'swap'),
					size: fc.integer({ min: 1, max: 1500 })
				})
				.map(({ as, cpu: c, ctx, size }) => ({
					op: 'spawn',
					as,
					cpu: c,
					ctx,
					do:
						ctx === 'reader'
							? { op: 'consume', cpu: c, count: 2 }
							: ctx === 'user'
								? { op: 'getReader', cpu: c }
								: ctx === 'swap'
									? { op: 'snapshot', cpu: c }
									: { op: 'write', cpu: c, size }
				}))
		},
		{ weight: 12, arbitrary: name.map((ctx) => ({ op: 'step', ctx })) },
		{
			weight: 2,
			arbitrary: fc
				.record({ ctx: name, n: fc.integer({ min: 2, max: 8 }) })
				.map((r) => ({ op: 'step', ...r }))
		},
		{ weight: 2, arbitrary: cpu.map((c) => ({ op: 'consume', cpu: c, count: 3 })) },
		{ weight: 1, arbitrary: cpu.map((c) => ({ op: 'readPage', cpu: c })) },
		{ weight: 1, arbitrary: cpu.map((c) => ({ op: 'map', cpu: c, as: `m${c}` })) },
		{ weight: 1, arbitrary: cpu.map((c) => ({ op: 'unmap', map: `m${c}` })) },
		{ weight: 1, arbitrary: cpu.map((c) => ({ op: 'getReader', cpu: c })) },
		{ weight: 1, arbitrary: cpu.map((c) => ({ op: 'snapshot', cpu: c })) },
		{ weight: 1, arbitrary: fc.constant({ op: 'snapshotArm' }) },
		{
			weight: 1,
			arbitrary: fc
				.record({ cpu, subbufs: fc.integer({ min: 2, max: 6 }) })
				.map((r) => ({ op: 'resize', ...r }))
		},
		{
			weight: 1,
			arbitrary: fc.integer({ min: 0, max: 1 }).map((order) => ({ op: 'subbufOrder', order }))
		},
		{ weight: 1, arbitrary: fc.constant({ op: 'clock', advanceNs: 1000 }) }
	);
};
