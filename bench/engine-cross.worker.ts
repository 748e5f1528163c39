/**
 * Worker half of engine-cross.ts: the engine's free-running writer for CPU 0, straight into the
 * shared engine state (writeBurst, with the synthetic clock or one performance.now() reading
 * per event); sets the done word when it has written its events. Measures nothing.
 */
import { writeBurst } from '../src/lib/ring/fast-write.ts';
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
	const clock = r.clock === 'real' ? nowNs : undefined;
	const written = writeBurst(ring, 0, p, r.events, undefined, undefined, clock);
	Atomics.store(ctl, 1, written);
	Atomics.store(ctl, 0, 1);
	Atomics.notify(ctl, 0);
});
