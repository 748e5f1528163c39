// A free-running writer Worker for one simulated CPU: writes stamped events with writeBurst straight
// into the shared engine state, at a rate or flat out, until its control word says stop.
import { writeBurst } from '../ring/writer';
import { stampPayload } from '../ring/free-run';
import { wrapRing } from '../ring/ring';
import { storeWritten, writerControl, WRITER_RUN, type WriterStart } from './writer-control';

/**
 * At a rate, the writer writes what is due, then sleeps until an event is due again, but never
 * less than this (ms): eight writer threads waking every millisecond take the cores from the page
 * that draws them (issue 5's frame goal; 2 cores here). The page redraws a ring at most once a
 * frame, so batches of a few milliseconds look the same.
 */
const MIN_SLEEP_MS = 4;
/** A slow rate still looks at its control word this often (stop also wakes it at once). */
const MAX_SLEEP_MS = 100;

self.onmessage = (e: MessageEvent<WriterStart>) => {
	const { state, control, cpu, size, rate } = e.data;
	const ring = wrapRing(state);
	const ctl = writerControl(control);
	const payload = new Uint8Array(size);
	let seq = 0;
	const t0 = performance.now();
	while (Atomics.load(ctl.run, 0) === WRITER_RUN) {
		// Flat out: batches of 256; at a rate: as many as are due, then sleep.
		const due = rate > 0 ? Math.floor(((performance.now() - t0) / 1000) * rate) - seq : 256;
		if (due > 0)
			seq += writeBurst(ring, cpu, payload, due, (n) => stampPayload(payload, seq + n, cpu));
		storeWritten(ctl, cpu, seq);
		if (rate > 0)
			Atomics.wait(
				ctl.run,
				0,
				WRITER_RUN,
				Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, 1000 / rate))
			);
	}
	self.postMessage({ cpu, written: seq });
};
