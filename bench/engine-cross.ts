/**
 * The engine across two threads, zero copy (b)/(c): a worker writes with writeEvent into the shared
 * engine state (overwrite mode, 256 sub-buffers) while this thread plays user space: GET_READER on
 * its mapping and parsing the handed-over sub-buffer in place. Checks read + lost = written.
 */
import { Simulation } from '../src/lib/ring/index.ts';
import { takeHandedEvents, type ConsumerCursor } from '../src/lib/ring/user-space.ts';
import type { EngineCrossRequest } from './engine-cross.worker.ts';
import type { Scenario } from './harness.ts';
import { worker } from './workers.ts';

const FILE = new URL('./engine-cross.worker.ts', import.meta.url);
const SUBBUFS = 256;

export function engineCrossScenario(payload: number): Scenario {
	return {
		key: 'engine-cross-thread',
		part: 'b/c',
		label: 'engine, writer Worker -> GET_READER + mapped read',
		payload,
		buffer: 'SAB',
		clock: 'synthetic',
		warmup: 1 << 15,
		async run(events) {
			const sim = new Simulation({ subbufsPerCpu: SUBBUFS, overwrite: true }, true);
			sim.apply({ op: 'map', cpu: 0, as: 'meta' });
			sim.apply({
				op: 'map',
				cpu: 0,
				as: 'data',
				offset: 4096,
				length: 4096 * (SUBBUFS + 1)
			});
			const maps = [...sim.maps.values()];
			const data = sim.maps.get('data')!;
			const control = new SharedArrayBuffer(16);
			const ctl = new Int32Array(control);
			const cursor: ConsumerCursor = { id: -1, pos: 0 };
			const w = await worker(FILE);
			const req: EngineCrossRequest = {
				state: sim.ring.buf as SharedArrayBuffer,
				control,
				payload,
				events
			};
			const t0 = performance.now();
			const done = w.request(req);
			let read = 0;

			const drain = () => {
				sim.apply({ op: 'getReader', cpu: 0 });
				const got = takeHandedEvents(sim.ring, data, maps, cursor);
				read += got.events.length;
				return got.events.length;
			};
			while (Atomics.load(ctl, 0) === 0) drain();
			const ms = performance.now() - t0;
			for (let idle = 0; idle < 2;) idle = drain() ? 0 : idle + 1;
			await done;
			const written = Atomics.load(ctl, 1);
			const overrun = sim.state().cpus[0]!.counters.overrun;
			if (read + overrun !== written)
				throw new Error(`read ${read} + overrun ${overrun} != written ${written}`);
			return ms;
		}
	};
}
