// A free-running writer Worker for one simulated CPU: writes stamped events with writeEvent straight
// into the shared engine state, at a rate or flat out, until its control word says stop.
import { writeBurst } from '../ring/fast-write';
import { stampPayload } from '../ring/free-run';
import { wrapRing } from '../ring/ring';
import { WRITER_RUN, type WriterStart } from './writer-control';

self.onmessage = (e: MessageEvent<WriterStart>) => {
	const { state, control, cpu, size, rate } = e.data;
	const ring = wrapRing(state);
	const ctl = new Int32Array(control);
	const payload = new Uint8Array(size);
	let seq = 0;
	const t0 = performance.now();
	while (Atomics.load(ctl, 0) === WRITER_RUN) {
		// Flat out: batches of 256; at a rate: as many as are due, then sleep 1 ms.
		const due = rate > 0 ? Math.floor(((performance.now() - t0) / 1000) * rate) - seq : 256;
		if (due > 0)
			seq += writeBurst(ring, cpu, payload, due, (n) => stampPayload(payload, seq + n, cpu));
		Atomics.store(ctl, 1 + cpu, seq);
		if (rate > 0) Atomics.wait(ctl, 0, WRITER_RUN, 1);
	}
	self.postMessage({ cpu, written: seq });
};
