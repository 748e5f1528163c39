/**
 * Random scenarios a live kernel can replay (for the differential fuzz test): writes of every size
 * class, page reads, consumes, maps with GET_READER, resizes, sub-buffer order changes, resets and
 * tracing on/off, over a random ring; in a mapped phase also GET_READER, readMeta, readMapped
 * and more mappings of any CPU with random prot, flags, open mode, offset and length (each
 * unmapped at the phase's end). Pure: a seed-driven fast-check arbitrary.
 */
import fc from 'fast-check';
import type { Scenario, Step } from '../lib/ring';

const SIZES = [0, 4, 12, 13, 16, 20, 64, 100, 112, 113, 116, 200, 500, 1000, 2000, 4064, 4072];

/** What the kernel lets random scenarios do (from the probe: `ringlab kernel probe`). */
export interface KernelScenarioOptions {
	/** Sub-buffer order changes allowed: random orders and subbufOrder steps. */
	orderChanges: boolean;
	/** The order every scenario keeps when order changes are not allowed (the kernel's own). */
	order: number;
}

/** Steps of one phase; `mapped` is the CPU mapped during the phase, or -1. */
function stepArb(mapped: number, cpus: number, orderChanges: boolean): fc.Arbitrary<Step> {
	const cpu = fc.integer({ min: 0, max: cpus - 1 });
	const write = fc.record({
		op: fc.constant('write' as const),
		cpu,
		size: fc.oneof(fc.constantFrom(...SIZES), fc.integer({ min: 0, max: 4072 })),
		repeat: fc.integer({ min: 1, max: 30 })
	});
	const arbs: fc.WeightedArbitrary<Step>[] = [
		{ arbitrary: write, weight: 6 },
		{
			// a gap past 2^27 ns: the runner sleeps it, so rare
			arbitrary: cpu.map((c) => ({ op: 'write', cpu: c, size: 24, deltaNs: 140_000_000 })),
			weight: 1
		},
		{ arbitrary: cpu.map((c) => ({ op: 'readPage', cpu: c })), weight: 2 },
		{
			arbitrary: fc.record({
				op: fc.constant('consume' as const),
				cpu,
				count: fc.integer({ min: 1, max: 50 })
			}),
			weight: 2
		},
		{ arbitrary: cpu.map((c) => ({ op: 'consume', cpu: c })), weight: 1 },
		{ arbitrary: cpu.map((c) => ({ op: 'reset', cpu: c })), weight: 1 },
		{ arbitrary: fc.boolean().map((on) => ({ op: 'tracing', on })), weight: 1 },
		{
			arbitrary: fc
				.tuple(fc.oneof(cpu, fc.constant('all' as const)), fc.integer({ min: 2, max: 6 }))
				.map(([c, subbufs]) => ({ op: 'resize', cpu: c, subbufs })),
			weight: 1
		}
	];
	if (orderChanges)
		arbs.push({
			arbitrary: fc
				.integer({ min: 0, max: 2 })
				.map((order) => ({ op: 'subbufOrder', order })),
			weight: 1
		});
	if (mapped >= 0)
		arbs.push(
			{ arbitrary: fc.constant({ op: 'getReader', cpu: mapped }), weight: 5 },
			{ arbitrary: fc.constant({ op: 'readMeta', map: `m${mapped}` }), weight: 1 },
			{
				arbitrary: fc
					.constantFrom('rw' as const, 'rx' as const)
					.map((prot) => ({ op: 'map', cpu: mapped, as: `bad${prot}`, prot })),
				weight: 1
			},
			{ arbitrary: fc.constant({ op: 'readMapped', map: `m${mapped}` }), weight: 2 },
			{ arbitrary: extraMapArb(cpu), weight: 2 },
			{
				arbitrary: fc
					.integer({ min: 0, max: EXTRA_MAPS - 1 })
					.map((i) => ({ op: 'readMapped', map: `x${i}` })),
				weight: 1
			}
		);
	return fc.oneof(...arbs);
}

/** Names of the extra mappings of a phase: x0 .. x(EXTRA_MAPS - 1), unmapped at its end. */
const EXTRA_MAPS = 3;
const PAGE = 4096;

/** A mapping of any CPU with random prot, flags, open mode, offset and length. */
function extraMapArb(cpu: fc.Arbitrary<number>): fc.Arbitrary<Step> {
	return fc
		.record({
			cpu,
			i: fc.integer({ min: 0, max: EXTRA_MAPS - 1 }),
			prot: fc.constantFrom('r' as const, 'r' as const, 'rw' as const, 'rx' as const),
			flags: fc.constantFrom('shared' as const, 'shared' as const, 'private' as const),
			open: fc.constantFrom('r' as const, 'r' as const, 'rw' as const),
			offset: fc.oneof(
				{ arbitrary: fc.integer({ min: 0, max: 10 }).map((n) => n * PAGE), weight: 6 },
				{ arbitrary: fc.integer({ min: 1, max: PAGE - 1 }), weight: 1 }
			),
			length: fc.option(
				fc.oneof(
					{ arbitrary: fc.integer({ min: 1, max: 10 }).map((n) => n * PAGE), weight: 4 },
					{ arbitrary: fc.integer({ min: 0, max: 3 * PAGE }), weight: 1 }
				),
				{ nil: undefined, freq: 3 }
			)
		})
		.map(({ cpu: c, i, prot, flags, open, offset, length }) => ({
			op: 'map' as const,
			cpu: c,
			as: `x${i}`,
			prot,
			flags,
			open,
			offset,
			...(length !== undefined ? { length } : {})
		}));
}

/**
 * A scenario of a few phases, unmapped and mapped (map, steps with GET_READER, unmap), for a kernel
 * that allows what `opts` says.
 */
export function kernelScenarioArbFor(opts: KernelScenarioOptions): fc.Arbitrary<Scenario> {
	return fc
		.record({
			cpus: fc.integer({ min: 1, max: 2 }),
			subbufsPerCpu: fc.integer({ min: 2, max: 5 }),
			subbufOrder: opts.orderChanges
				? fc.integer({ min: 0, max: 2 })
				: fc.constant(opts.order),
			overwrite: fc.boolean()
		})
		.chain((cfg) =>
			fc
				.array(
					fc.integer({ min: -1, max: cfg.cpus - 1 }).chain((mapped) =>
						fc
							.array(stepArb(mapped, cfg.cpus, opts.orderChanges), {
								minLength: 1,
								maxLength: 8
							})
							.chain((steps) =>
								fc.boolean().map((whole) => ({ mapped, steps, whole }))
							)
					),
					{ minLength: 1, maxLength: 4 }
				)
				.map((phases) => ({ ...cfg, phases }))
		)
		.map(({ cpus, subbufsPerCpu, subbufOrder, overwrite, phases }) => {
			const steps: Step[] = [];
			for (const p of phases) {
				const m = `m${p.mapped}`;
				// Half the phases map the whole ring as configured (readMapped can see the reader).
				const whole = (2 + subbufsPerCpu) * (PAGE << subbufOrder);
				if (p.mapped >= 0)
					steps.push({
						op: 'map',
						cpu: p.mapped,
						as: m,
						...(p.whole ? { length: whole } : {})
					});
				steps.push(...p.steps);
				if (p.mapped >= 0) {
					steps.push({ op: 'tracing', on: true });
					// The extra mappings that were made, then the phase's own.
					for (let i = 0; i < EXTRA_MAPS; i++)
						if (p.steps.some((st) => st.op === 'map' && st.as === `x${i}`))
							steps.push({ op: 'unmap', map: `x${i}` });
					steps.push({ op: 'unmap', map: m });
				}
			}
			steps.push({ op: 'tracing', on: true });
			for (let c = 0; c < cpus; c++) steps.push({ op: 'consume', cpu: c });
			return {
				ringlab: 1 as const,
				title: 'random kernel scenario',
				config: {
					kernel: '6.12' as const,
					cpus,
					subbufsPerCpu,
					subbufOrder,
					overwrite,
					snapshot: false,
					clock: { startNs: 0, stepNs: 100 },
					history: [],
					seed: 1
				},
				steps
			};
		});
}

/** Random scenarios for a kernel that allows everything (order changes included). */
export const kernelScenarioArb = kernelScenarioArbFor({ orderChanges: true, order: 0 });
