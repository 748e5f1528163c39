/**
 * Baseline (b)/(c), two threads, zero copy: a worker encodes kernel-style events into a 1 MiB
 * SharedArrayBuffer ring of 4 KiB sub-buffers and publishes each full page (Atomics); the main
 * thread parses them in place and gives them back; an idle side sleeps briefly (Atomics.wait).
 */
import type { Clock, Scenario } from './harness.ts';
import {
	CTL_CONSUMED,
	CTL_DONE,
	CTL_PUBLISHED,
	CTL_READER_SLEEPS,
	CTL_WRITER_SLEEPS,
	HANDOFF_BYTES,
	HANDOFF_DATA,
	PAGE,
	parsePage,
	RING_PAGES,
	SPINS
} from './kernel-format.ts';
import type { HandoffRequest } from './sab-handoff.worker.ts';
import { worker } from './workers.ts';

/** A run that sees no page for this long has lost its worker. */
export const STALL_MS = 60_000;
const FILE = new URL('./sab-handoff.worker.ts', import.meta.url);

function handoff(payload: number, clock: Clock): Scenario {
	const sab = new SharedArrayBuffer(HANDOFF_BYTES);
	const ctl = new Int32Array(sab, 0, PAGE >> 2);
	const u32 = new Uint32Array(sab);
	return {
		key: `handoff-${clock}`,
		part: 'b/c',
		label: 'SAB page handoff, worker -> main, zero copy',
		payload,
		buffer: 'SAB',
		clock,
		warmup: 1 << 16,
		async run(events) {
			const w = await worker(FILE);
			Atomics.store(ctl, CTL_PUBLISHED, 0);
			Atomics.store(ctl, CTL_CONSUMED, 0);
			Atomics.store(ctl, CTL_DONE, 0);
			Atomics.store(ctl, CTL_READER_SLEEPS, 0);
			Atomics.store(ctl, CTL_WRITER_SLEEPS, 0);
			const req: HandoffRequest = { sab, payload, clock, events };
			const t0 = performance.now();
			const done = w.request(req);
			let got = 0;
			let consumed = 0;
			let t1 = 0;
			let idle = 0;
			// Drain until the writer says it is done (it may still publish an empty tail).
			while (got < events || Atomics.load(ctl, CTL_DONE) === 0) {
				const published = Atomics.load(ctl, CTL_PUBLISHED);
				if (consumed === published) {
					if (++idle < SPINS) continue;
					idle = 0;
					Atomics.store(ctl, CTL_READER_SLEEPS, 1);
					Atomics.wait(ctl, CTL_PUBLISHED, published, 1);
					Atomics.store(ctl, CTL_READER_SLEEPS, 0);
					if (performance.now() - t0 > STALL_MS)
						throw new Error('handoff: the worker stalled');
					continue;
				}
				idle = 0;
				while (consumed < published) {
					got += parsePage(u32, HANDOFF_DATA + (consumed % RING_PAGES) * PAGE);
					consumed++;
				}
				Atomics.store(ctl, CTL_CONSUMED, consumed);
				if (Atomics.load(ctl, CTL_WRITER_SLEEPS) !== 0) Atomics.notify(ctl, CTL_CONSUMED);
				if (got >= events && t1 === 0) t1 = performance.now();
			}
			await done;
			if (got !== events) throw new Error(`handoff: ${got} events arrived, ${events} sent`);
			return t1 - t0;
		}
	};
}

export function handoffScenarios(payload: number): Scenario[] {
	return [handoff(payload, 'synthetic'), handoff(payload, 'real')];
}
