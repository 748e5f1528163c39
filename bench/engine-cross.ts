/**
 * The engine across two threads, zero copy (b)/(c): a worker writes into the shared engine state
 * (overwrite mode, 256 sub-buffers; writeBurst, or writeEvent with the real clock) while this
 * thread plays user space: GET_READER on its mapping (getReader, the ioctl in one call) and a walk
 * of the handed-over sub-buffer in place (MappedConsumer). Checks read + lost = written, exactly;
 * reports the events written per second and the share the reader received.
 */
import { getReader } from '../src/lib/ring/reader/get-reader.ts';
import { Simulation } from '../src/lib/ring/index.ts';
import { MappedConsumer } from '../src/lib/ring/mapped-consumer.ts';
import {
	CTL_BYTES,
	CTL_DONE,
	CTL_PAGES,
	CTL_READER_SLEEPS,
	CTL_WRITTEN
} from './engine-cross-control.ts';
import type { EngineCrossRequest } from './engine-cross.worker.ts';
import type { Clock, Scenario } from './harness.ts';
import { STALL_MS } from './sab-handoff.ts';
import { worker } from './workers.ts';

const FILE = new URL('./engine-cross.worker.ts', import.meta.url);
const SUBBUFS = 256;

/**
 * `paced`: the writer waits for the reader instead of overwriting unread pages (lossless, as the
 * baselines); else overwrite mode's flight recorder, where an absent reader loses events.
 */
export function engineCrossScenario(payload: number, clock: Clock, paced = false): Scenario {
	return {
		key: `${paced ? 'engine-paced' : 'engine-cross'}-${clock === 'real' ? 'real' : 'thread'}`,
		part: 'b/c',
		label: paced
			? 'engine, lossless: writer waits, commit per page'
			: 'engine, writer Worker -> GET_READER + mapped read',
		payload,
		buffer: 'SAB',
		clock,
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
			const ring = sim.ring;
			const consumer = new MappedConsumer(ring, sim.maps.get('meta')!, sim.maps.get('data')!);
			const control = new SharedArrayBuffer(CTL_BYTES);
			const ctl = new Int32Array(control);
			const warnings: string[] = [];
			const warn = (m: string) => warnings.push(m);
			const w = await worker(FILE);
			const req: EngineCrossRequest = {
				state: ring.buf as SharedArrayBuffer,
				control,
				payload,
				events,
				clock,
				paced
			};
			const t0 = performance.now();
			const done = w.request(req);
			// GET_READER until it hands over nothing new, then sleep until the writer has
			// finished a page (it wakes us), as an mmap reader blocks in poll() between pages.
			while (Atomics.load(ctl, CTL_DONE) === 0) {
				if (getReader(ring, 0, warn) !== 'ok') throw new Error('GET_READER failed');
				if (consumer.take() > 0) continue;
				const pages = Atomics.load(ctl, CTL_PAGES);
				Atomics.store(ctl, CTL_READER_SLEEPS, 1);
				if (getReader(ring, 0, warn) === 'ok' && consumer.take() === 0)
					Atomics.wait(ctl, CTL_PAGES, pages, 1);
				Atomics.store(ctl, CTL_READER_SLEEPS, 0);
				if (performance.now() - t0 > STALL_MS) throw new Error('the writer stalled');
			}
			const ms = performance.now() - t0;
			const atEnd = consumer.events;
			for (let idle = 0; idle < 2;) {
				getReader(ring, 0, warn);
				idle = consumer.take() ? 0 : idle + 1;
			}
			await done;
			const written = Atomics.load(ctl, CTL_WRITTEN);
			const overrun = sim.state().cpus[0]!.counters.overrun;
			if (written !== events) throw new Error(`wrote ${written} of ${events}`);
			if (consumer.events + overrun !== written)
				throw new Error(
					`read ${consumer.events} + overrun ${overrun} != written ${written}`
				);
			if (warnings.length) throw new Error(`kernel warnings: ${warnings.join('; ')}`);
			if (paced && overrun !== 0)
				throw new Error(`the paced writer overwrote ${overrun} events`);
			return { ms, delivered: atEnd };
		}
	};
}
