/**
 * Random scenarios a live kernel can replay (for the differential fuzz test): writes of every size
 * class, page reads, consumes, maps with GET_READER, resizes, sub-buffer order changes, resets and
 * tracing on/off, over a random ring. Pure: a seed-driven fast-check arbitrary.
 */
import fc from 'fast-check';
import type { Scenario, Step } from '../lib/ring';

const SIZES = [0, 4, 12, 13, 16, 20, 64, 100, 112, 113, 116, 200, 500, 1000, 2000, 4064, 4072];

function stepArb(mapped: boolean, cpus: number): fc.Arbitrary<Step> {
	const cpu = fc.integer({ min: 0, max: cpus - 1 });
	const write = fc.record({
		op: fc.constant('write' as const),
		cpu,
		size: fc.oneof(fc.constantFrom(...SIZES), fc.integer({ min: 0, max: 4072 })),
		repeat: fc.integer({ min: 1, max: 30 })
	});
	const arbs: fc.Arbitrary<Step>[] = [
		write,
		write,
		write,
		fc.constant({ op: 'readPage', cpu: 0 }),
		fc.record({
			op: fc.constant('consume' as const),
			cpu: fc.constant(0),
			count: fc.integer({ min: 1, max: 50 })
		}),
		fc.constant({ op: 'reset', cpu: 0 }),
		fc.boolean().map((on) => ({ op: 'tracing', on }))
	];
	if (mapped) arbs.push(fc.constant({ op: 'getReader', cpu: 0 }));
	else
		arbs.push(
			fc.integer({ min: 2, max: 6 }).map((subbufs) => ({ op: 'resize', cpu: 0, subbufs })),
			fc.integer({ min: 0, max: 1 }).map((order) => ({ op: 'subbufOrder', order }))
		);
	return fc.oneof(...arbs);
}

/** A scenario of a few phases, unmapped and mapped (map, steps with GET_READER, unmap). */
export const kernelScenarioArb: fc.Arbitrary<Scenario> = fc
	.record({
		cpus: fc.integer({ min: 1, max: 2 }),
		subbufsPerCpu: fc.integer({ min: 2, max: 5 }),
		subbufOrder: fc.integer({ min: 0, max: 1 }),
		overwrite: fc.boolean()
	})
	.chain((cfg) =>
		fc
			.array(
				fc
					.boolean()
					.chain((mapped) =>
						fc
							.array(stepArb(mapped, cfg.cpus), { minLength: 1, maxLength: 6 })
							.map((steps) => ({ mapped, steps }))
					),
				{ minLength: 1, maxLength: 4 }
			)
			.map((phases) => ({ ...cfg, phases }))
	)
	.map(({ cpus, subbufsPerCpu, subbufOrder, overwrite, phases }) => {
		const steps: Step[] = [];
		phases.forEach((p, i) => {
			if (p.mapped) steps.push({ op: 'map', cpu: 0, as: `m${i}` });
			steps.push(...p.steps);
			if (p.mapped) steps.push({ op: 'tracing', on: true }, { op: 'unmap', map: `m${i}` });
		});
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
