/**
 * Baseline (c), two threads, per-record calls: ringbuf.js 0.4.0 (a SharedArrayBuffer SPSC ring of
 * 1 MiB of bytes); the worker pushes one kernel-style record per event, the main thread pops up to
 * 4 KiB of whole records at a time and parses them. Timed on the main thread, post to last record.
 */
import { RingBuffer } from 'ringbuf.js';
import type { Scenario } from './harness.ts';
import { eventShape, RING_BYTES, walkEvents } from './kernel-format.ts';
import type { RingbufRequest } from './ringbuf.worker.ts';
import { STALL_MS } from './sab-handoff.ts';
import { worker } from './workers.ts';

const FILE = new URL('./ringbuf.worker.ts', import.meta.url);
const POP_BYTES = 4096;

export function ringbufScenarios(payload: number): Scenario[] {
	const sab = RingBuffer.getStorageForCapacity(RING_BYTES, Uint8Array);
	const rb = new RingBuffer(sab, Uint8Array);
	const { len } = eventShape(payload);
	const out32 = new Uint32Array(POP_BYTES >> 2);
	const out = new Uint8Array(out32.buffer);
	const most = POP_BYTES - (POP_BYTES % len);
	const scenario: Scenario = {
		key: 'ringbuf',
		part: 'c',
		label: 'ringbuf.js, push 1 record / pop <= 4 KiB',
		payload,
		buffer: 'SAB',
		clock: 'synthetic',
		warmup: 1 << 15,
		async run(events) {
			const w = await worker(FILE);
			const req: RingbufRequest = { sab, payload, events };
			const t0 = performance.now();
			const done = w.request(req);
			let got = 0;
			while (got < events) {
				const avail = rb.availableRead();
				if (avail < len) {
					if (performance.now() - t0 > STALL_MS)
						throw new Error('ringbuf: the worker stalled');
					continue;
				}
				const n = avail >= most ? most : avail - (avail % len);
				rb.pop(out, n);
				got += walkEvents(out32, 0, n);
			}
			const t1 = performance.now();
			await done;
			if (got !== events) throw new Error(`ringbuf: ${got} records arrived, ${events} sent`);
			return t1 - t0;
		}
	};
	return [scenario];
}
