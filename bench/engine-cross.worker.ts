/**
 * Worker half of engine-cross.ts: the engine's free-running writer for CPU 0, straight into the
 * shared engine state (writeBurst with the synthetic clock, writeEvent with a performance.now()
 * time per event); sets the done word when it has written its events. Measures nothing.
 */
import { writeBurst, writeEvent } from '../src/lib/ring/fast-write.ts';
import { wrapRing } from '../src/lib/ring/ring.ts';
import type { Clock } from './harness.ts';
import { nowNs, payloadWords } from './kernel-format.ts';
import { serve } from './workers.ts';

export interface EngineCrossRequest {
	state: SharedArrayBuffer;
	control: SharedArrayBuffer;
	payload: number;
	events: number;
	clock: Clock;
}

serve((msg) => {
	const r = msg as EngineCrossRequest;
	const ring = wrapRing(r.state);
	const ctl = new Int32Array(r.control);
	const p = new Uint8Array(payloadWords(r.payload).buffer);
	let written = 0;
	if (r.clock === 'real') {
		for (let i = 0; i < r.events; i++) if (writeEvent(ring, 0, p, nowNs())) written++;
	} else written = writeBurst(ring, 0, p, r.events);
	Atomics.store(ctl, 1, written);
	Atomics.store(ctl, 0, 1);
	Atomics.notify(ctl, 0);
});
