/**
 * Worker half of engine-cross.ts: the engine's free-running writer for CPU 0, writeEvent straight
 * into the shared engine state; sets the done word when it has written its events. Measures nothing.
 */
import { stampPayload } from '../src/lib/ring/free-run.ts';
import { writeBurst } from '../src/lib/ring/fast-write.ts';
import { wrapRing } from '../src/lib/ring/ring.ts';
import { serve } from './workers.ts';

export interface EngineCrossRequest {
	state: SharedArrayBuffer;
	control: SharedArrayBuffer;
	payload: number;
	events: number;
}

serve((msg) => {
	const r = msg as EngineCrossRequest;
	const ring = wrapRing(r.state);
	const ctl = new Int32Array(r.control);
	const p = new Uint8Array(r.payload);
	const written = writeBurst(ring, 0, p, r.events, (seq) => stampPayload(p, seq, 0));
	Atomics.store(ctl, 1, written);
	Atomics.store(ctl, 0, 1);
});
