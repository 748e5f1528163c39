// Two writer threads on two CPUs and a concurrent zero-copy reader (this thread, playing user space
// with its mapping and GET_READER): every event read is intact and in order, and for each CPU
// read + lost = written, exactly. Real Atomics contention: the reader's swap and the writers' head
// pushes race on the same link words.
import { Worker } from 'node:worker_threads';
import { describe, expect, test } from 'vitest';
import { Simulation } from '../../../src/lib/ring';
import { getReader } from '../../../src/lib/ring/reader/get-reader';
import { checkPayload, checkPayloadAt } from '../../../src/lib/ring/free-run';
import { MappedConsumer } from '../../../src/lib/ring/mapped-consumer';
import { takeHandedEvents, type ConsumerCursor } from '../../../src/lib/ring/user-space';

const TSX_API = import.meta.resolve('tsx/esm/api');
const WRITER = new URL('./writer.worker.ts', import.meta.url).href;

function startWriter(data: object): Worker {
	const boot = `import(${JSON.stringify(TSX_API)}).then((m) => m.register()).then(() => import(${JSON.stringify(WRITER)}))`;
	return new Worker(boot, { eval: true, workerData: data });
}

describe.each([
	['the stepped GET_READER (Simulation) and takeHandedEvents', 'stepped'],
	['getReader in one call and MappedConsumer in place', 'fast']
] as const)('free-running writers with a concurrent mapped reader: %s', (_, reader) => {
	test('0 corrupt or reordered events, read + lost = written per CPU', async () => {
		const CPUS = 2;
		const COUNT = 60_000;
		const SIZE = 24;
		const sim = new Simulation({ cpus: CPUS, subbufsPerCpu: 16, overwrite: true }, true);
		const flags = new SharedArrayBuffer(64);
		const done = new Int32Array(flags);
		for (let cpu = 0; cpu < CPUS; cpu++) {
			expect(sim.apply({ op: 'map', cpu, as: `meta${cpu}` }).ok).toBe(true);
			expect(
				sim.apply({ op: 'map', cpu, as: `data${cpu}`, offset: 4096, length: 4096 * 17 }).ok
			).toBe(true);
		}
		const cursors: ConsumerCursor[] = Array.from({ length: CPUS }, () => ({ id: -1, pos: 0 }));
		const seen: number[][] = Array.from({ length: CPUS }, () => []);
		const lost = [0, 0];
		let corrupt = 0;
		let unknownLoss = false;
		let swapsWhileWriting = 0;
		const warnings: string[] = [];
		const readStepped = (cpu: number) => {
			const r = sim.apply({ op: 'getReader', cpu });
			expect(r.ok).toBe(true);
			warnings.push(...r.warnings.map((w) => w.message));
			const got = takeHandedEvents(
				sim.ring,
				sim.maps.get(`data${cpu}`)!,
				[...sim.maps.values()],
				cursors[cpu]!
			);
			if (got.newPage && (!Atomics.load(done, 0) || !Atomics.load(done, 1)))
				swapsWhileWriting++;
			if (got.missed > 0) lost[cpu]! += got.missed;
			if (got.missed < 0) unknownLoss = true;
			for (const e of got.events) {
				const c = checkPayload(e.payload, SIZE);
				if (!c || c[1] !== cpu) corrupt++;
				else seen[cpu]!.push(c[0]);
			}
		};
		const consumers = Array.from(
			{ length: CPUS },
			(_, cpu) =>
				new MappedConsumer(
					sim.ring,
					sim.maps.get(`meta${cpu}`)!,
					sim.maps.get(`data${cpu}`)!
				)
		);
		const readFast = (cpu: number) => {
			expect(getReader(sim.ring, cpu, (w) => warnings.push(w))).toBe('ok');
			const c = consumers[cpu]!;
			const id = c.id;
			c.take((u8, off, len) => {
				const p = len >= SIZE ? checkPayloadAt(u8, off, SIZE) : null;
				if (!p || p[1] !== cpu) corrupt++;
				else seen[cpu]!.push(p[0]);
			});
			if (c.id !== id && (!Atomics.load(done, 0) || !Atomics.load(done, 1)))
				swapsWhileWriting++;
			lost[cpu] = c.missed;
			if (c.unknownLoss) unknownLoss = true;
		};
		const readOnce = reader === 'fast' ? readFast : readStepped;
		const workers = Array.from({ length: CPUS }, (_, cpu) =>
			startWriter({ sab: sim.ring.buf, flags, cpu, count: COUNT, size: SIZE })
		);
		const results = workers.map(
			(w) =>
				new Promise<{ written: number; warnings: string[] }>((res) =>
					w.once('message', res)
				)
		);
		// Wait until both writers started, then read while they write.
		const deadline = Date.now() + 20_000;
		while (
			(Atomics.load(done, 0) === 0 || Atomics.load(done, 1) === 0) &&
			Date.now() < deadline
		)
			for (let cpu = 0; cpu < CPUS; cpu++) readOnce(cpu);
		for (let i = 0; i < 40; i++) for (let cpu = 0; cpu < CPUS; cpu++) readOnce(cpu); // drain
		const res = await Promise.all(results);
		await Promise.all(workers.map((w) => w.terminate()));
		expect(corrupt).toBe(0);
		expect(swapsWhileWriting).toBeGreaterThan(0); // the reader really ran beside the writers
		expect(warnings).toEqual([]);
		for (let cpu = 0; cpu < CPUS; cpu++) {
			const s = seen[cpu]!;
			expect(res[cpu]!.warnings).toEqual([]);
			for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
			const counters = sim.state().cpus[cpu]!.counters;
			expect(counters.entries).toBe(res[cpu]!.written);
			// read + lost = written, exactly
			expect(s.length + counters.overrun).toBe(res[cpu]!.written);
			if (!unknownLoss) expect(lost[cpu]).toBe(counters.overrun);
			expect(s.at(-1)).toBe(res[cpu]!.written - 1);
		}
	}, 30_000);
});
