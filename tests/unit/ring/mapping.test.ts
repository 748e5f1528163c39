// User space maps the buffer: map_test's cases as scenario files, the refusals of kernel.md §4.7
// and §5.2, fault injection, a zero-copy consumer that reads every event exactly once, and the
// snapshot swap race with and without its fix.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { checkInvariants, parseScenario, runScenario, Simulation } from '../../../src/lib/ring';
import { takeHandedEvents } from '../../../src/lib/ring/user-space';

const root = join(__dirname, '../../../scenarios');
const scenarioFiles = (dir: string) =>
	readdirSync(join(root, dir))
		.filter((f) => f.endsWith('.json'))
		.map((f) => join(dir, f));

describe('map_test.c ported as scenarios', () => {
	test.each(scenarioFiles('map_test'))('%s holds every expectation', (f) => {
		const run = runScenario(parseScenario(readFileSync(join(root, f), 'utf8')));
		expect(run.failure).toBeNull();
	});
	test.each(scenarioFiles('refusals'))('%s holds every expectation', (f) => {
		const run = runScenario(parseScenario(readFileSync(join(root, f), 'utf8')));
		expect(run.failure).toBeNull();
	});
});

function bytes(sim: Simulation) {
	return new Uint8Array(sim.ring.buf.slice(0));
}

describe('mapping refusals leave the state as it was', () => {
	const cases: [string, Record<string, unknown>, unknown, string][] = [
		[
			'writable on a read-only file',
			{ kernel: '6.12' },
			{ op: 'map', cpu: 0, as: 'x', prot: 'rw' },
			'EACCES'
		],
		[
			'writable as root',
			{ kernel: '6.12' },
			{ op: 'map', cpu: 0, as: 'x', prot: 'rw', open: 'rw' },
			'EPERM'
		],
		['executable', { kernel: '6.12' }, { op: 'map', cpu: 0, as: 'x', prot: 'rx' }, 'EPERM'],
		['private', { kernel: '6.12' }, { op: 'map', cpu: 0, as: 'x', flags: 'private' }, 'EPERM'],
		['length 0', { kernel: '6.10' }, { op: 'map', cpu: 0, as: 'x', length: 0 }, 'EINVAL'],
		[
			'too long',
			{ kernel: '6.12' },
			{ op: 'map', cpu: 0, as: 'x', length: 4096 * 7 },
			'EINVAL'
		],
		[
			'offset not page-aligned',
			{ kernel: '6.10' },
			{ op: 'map', cpu: 0, as: 'x', offset: 100 },
			'EINVAL'
		],
		[
			'6.12 pgoff not sub-buffer aligned',
			{ kernel: '6.12', subbufOrder: 1 },
			{ op: 'map', cpu: 0, as: 'x', offset: 4096 },
			'EINVAL'
		],
		['GET_READER unmapped', {}, { op: 'getReader', cpu: 0 }, 'ENODEV'],
		[
			'a user-space context spawned for GET_READER while unmapped',
			{},
			{ op: 'spawn', as: 'u', cpu: 0, ctx: 'user', do: { op: 'getReader', cpu: 0 } },
			'ENODEV'
		],
		['unmap of an unknown mapping', {}, { op: 'unmap', map: 'nope' }, 'EINVAL'],
		['readMeta of an unknown mapping', {}, { op: 'readMeta', map: 'nope' }, 'EINVAL'],
		['snapshot without a snapshot buffer', {}, { op: 'snapshot', cpu: 0 }, 'EINVAL']
	];
	test.each(cases)('%s', (_n, config, step, errno) => {
		const sim = new Simulation(config);
		sim.apply({ op: 'write', cpu: 0, size: 40, repeat: 30 });
		const before = bytes(sim);
		const r = sim.apply(step);
		expect(r).toMatchObject({ ok: false, errno });
		expect(String(r.message).length).toBeGreaterThan(10);
		expect(bytes(sim)).toEqual(before);
	});

	test('while mapped: resize, order change and snapshot arming are EBUSY, readMeta of a data mapping EINVAL', () => {
		const sim = new Simulation({ snapshot: true });
		sim.apply({ op: 'map', cpu: 0, as: 'm' });
		sim.apply({ op: 'map', cpu: 0, as: 'd', offset: 4096, length: 4096 * 5 });
		const before = bytes(sim);
		for (const step of [
			{ op: 'resize', cpu: 0, subbufs: 8 },
			{ op: 'resize', cpu: 'all', subbufs: 4 },
			{ op: 'subbufOrder', order: 1 },
			{ op: 'snapshotArm' },
			{ op: 'snapshot', cpu: 0 }
		])
			expect(sim.apply(step)).toMatchObject({ ok: false, errno: 'EBUSY' });
		expect(sim.apply({ op: 'readMeta', map: 'd' })).toMatchObject({
			ok: false,
			errno: 'EINVAL'
		});
		expect(bytes(sim)).toEqual(before);
		sim.apply({ op: 'unmap', map: 'd' });
		sim.apply({ op: 'unmap', map: 'm' });
		expect(sim.apply({ op: 'resize', cpu: 0, subbufs: 8 }).ok).toBe(true);
	});

	test('the map count refuses at UINT_MAX', () => {
		const sim = new Simulation();
		sim.apply({ op: 'map', cpu: 0, as: 'm' });
		const si = (sim.ring.L.structOff >> 2) + 11; // S_MAPPED of struct 0
		sim.ring.i32[si] = -1; // 0xffffffff
		const before = bytes(sim);
		expect(sim.apply({ op: 'map', cpu: 0, as: 'm2' })).toMatchObject({
			ok: false,
			errno: 'EBUSY'
		});
		expect(bytes(sim)).toEqual(before);
	});

	test('a failed first map leaves resize_disabled raised on 6.10 only (v23 as merged)', () => {
		for (const [kernel, errno] of [
			['6.10', 'EBUSY'],
			['6.12', undefined]
		] as const) {
			const sim = new Simulation({ kernel });
			expect(sim.apply({ op: 'map', cpu: 0, as: 'x', prot: 'rx' }).errno).toBe('EPERM');
			expect(sim.apply({ op: 'resize', cpu: 0, subbufs: 6 }).errno).toBe(errno);
		}
	});
});

describe('fault injection', () => {
	test.each([
		[0, 'the meta page'],
		[1, 'the sub-buffer ID table'],
		[2, 'the page array of the VMA']
	])(
		'an allocation failure after %i good ones (%s) gives ENOMEM and leaves nothing half-built',
		(after) => {
			const sim = new Simulation({ kernel: '6.12' });
			sim.apply({ op: 'write', cpu: 0, size: 40, repeat: 10 });
			expect(sim.apply({ op: 'fault', alloc: 1, after }).ok).toBe(true);
			const header = 48 * 4 + 8 * 8; // the header holds the fault counters themselves
			const before = bytes(sim).slice(header);
			const r = sim.apply({ op: 'map', cpu: 0, as: 'm' });
			expect(r).toMatchObject({ ok: false, errno: 'ENOMEM' });
			expect(bytes(sim).slice(header)).toEqual(before);
			expect(sim.state().cpus[0]!.pages.every((p) => p.id === null)).toBe(true);
			expect(sim.apply({ op: 'map', cpu: 0, as: 'm' }).ok).toBe(true);
			expect(sim.apply({ op: 'resize', cpu: 0, subbufs: 6 }).errno).toBe('EBUSY');
			sim.apply({ op: 'unmap', map: 'm' });
			expect(sim.apply({ op: 'resize', cpu: 0, subbufs: 6 }).ok).toBe(true);
		}
	);
});

/** Sequence number carried by a generated payload (little-endian u32 in its first bytes). */
const seqOf = (payload: string) => Buffer.from(payload.slice(0, 8), 'hex').readUInt32LE(0);

describe('a user-space consumer that only uses the mapping', () => {
	test('reads every event not overwritten exactly once, in order, and learns every loss', () => {
		fc.assert(
			fc.property(
				fc.record({
					subbufsPerCpu: fc.integer({ min: 2, max: 5 }),
					kernel: fc.constantFrom('6.10', '6.12')
				}),
				fc.array(
					fc.oneof(
						fc.record({
							kind: fc.constant('write' as const),
							size: fc.integer({ min: 4, max: 600 }),
							n: fc.integer({ min: 1, max: 40 })
						}),
						fc.record({ kind: fc.constant('read' as const) })
					),
					{ maxLength: 80 }
				),
				(config, plan) => {
					const sim = new Simulation({ ...config, overwrite: true });
					expect(sim.apply({ op: 'map', cpu: 0, as: 'meta', length: 4096 }).ok).toBe(
						true
					);
					const mps = sim.apply({ op: 'readMeta', map: 'meta' }) as unknown as {
						meta_page_size: number;
						subbuf_size: number;
						nr_subbufs: number;
					};
					sim.apply({ op: 'unmap', map: 'meta' });
					sim.apply({ op: 'map', cpu: 0, as: 'meta', length: mps.meta_page_size });
					sim.apply({
						op: 'map',
						cpu: 0,
						as: 'data',
						offset: mps.meta_page_size,
						length: mps.subbuf_size * mps.nr_subbufs
					});
					const cursor = { id: -1, pos: 0 };
					const seen: number[] = [];
					let lostKnown = 0;
					let unknownLoss = false;
					const read = () => {
						expect(sim.apply({ op: 'getReader', cpu: 0 }).ok).toBe(true);
						const maps = [...sim.maps.values()];
						const got = takeHandedEvents(sim.ring, sim.maps.get('data')!, maps, cursor);
						if (got.missed > 0) lostKnown += got.missed;
						if (got.missed < 0) unknownLoss = true;
						for (const e of got.events) seen.push(seqOf(e.payload));
					};
					let written = 0;
					for (const step of plan) {
						if (step.kind === 'write') {
							const r = sim.apply({
								op: 'write',
								cpu: 0,
								size: step.size,
								repeat: step.n
							});
							written += step.n;
							expect(r.ok).toBe(true);
						} else read();
						expect(checkInvariants(sim.ring)).toEqual([]);
					}
					for (let i = 0; i < 2 * mps.nr_subbufs + 2; i++) read(); // drain
					// exactly once, in order
					for (let i = 1; i < seen.length; i++)
						expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
					const overrun = sim.state().cpus[0]!.counters.overrun;
					expect(seen.length + overrun).toBe(written);
					// every loss learnt from the commit bits (unless a page was too full to store the count)
					if (!unknownLoss) expect(lostKnown).toBe(overrun);
					const lastSeen = seen.at(-1) ?? -1;
					expect(lastSeen).toBe(seen.length ? written - 1 : -1);
				}
			),
			{ numRuns: 120, seed: 3 }
		);
	});
});

describe('the snapshot swap race (seed 001)', () => {
	/** Runs a writer and a swap on CPU 0, interleaved by `choices`; reports whether the race hit. */
	function race(history: boolean, choices: number[]): { raced: boolean; refused: number } {
		const sim = new Simulation({
			snapshot: true,
			subbufsPerCpu: 3,
			history: history ? ['swap-from-remote-cpu'] : []
		});
		sim.apply({ op: 'write', cpu: 0, size: 16, repeat: 3 });
		sim.apply({
			op: 'spawn',
			as: 'w',
			cpu: 0,
			ctx: 'task',
			do: { op: 'write', cpu: 0, size: 16 }
		});
		sim.apply({ op: 'spawn', as: 's', cpu: 0, ctx: 'swap', do: { op: 'snapshot', cpu: 0 } });
		const live = new Set(['w', 's']);
		let raced = false;
		let refused = 0;
		for (const c of choices) {
			if (!live.size) break;
			const names = [...live];
			const name = names[c % names.length]!;
			const r = sim.apply({ op: 'step', ctx: name });
			if (!r.ok) {
				refused++; // a schedule the kernel cannot produce (the swap is an IPI that must finish)
				continue;
			}
			if (r.warnings.some((w) => /committing == 0/.test(w.message))) raced = true;
			if (r.done) live.delete(name);
		}
		for (const name of ['s', 'w'])
			if (live.has(name)) {
				const r = sim.apply({ op: 'finish', ctx: name });
				if (r.warnings.some((w) => /committing == 0/.test(w.message))) raced = true;
			}
		return { raced, refused };
	}

	test('with swap-from-remote-cpu some schedule makes the writer commit into the other buffer', () => {
		const out = fc.check(
			fc.property(
				fc.array(fc.nat(5), { minLength: 4, maxLength: 40 }),
				(ch) => !race(true, ch).raced
			),
			{ numRuns: 500, seed: 11 }
		);
		expect(out.failed).toBe(true);
	});

	test('without it (the swap runs on the target CPU) no schedule can produce it', () => {
		fc.assert(
			fc.property(
				fc.array(fc.nat(5), { minLength: 4, maxLength: 40 }),
				(ch) => !race(false, ch).raced
			),
			{ numRuns: 500, seed: 11 }
		);
	});
});
