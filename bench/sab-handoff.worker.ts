/**
 * Worker half of sab-handoff.ts: encodes kernel-style events straight into the sub-buffers of a
 * SharedArrayBuffer ring and publishes each full page with Atomics.store; waits (spins, then
 * sleeps) while the main thread holds every page. Measures nothing: the main thread times runs.
 */
import type { Clock } from './harness.ts';
import {
	CTL_CONSUMED,
	CTL_DONE,
	CTL_PUBLISHED,
	CTL_READER_SLEEPS,
	CTL_WRITER_SLEEPS,
	HANDOFF_DATA,
	PAGE,
	PageEncoder,
	payloadWords,
	RING_PAGES,
	SPINS
} from './kernel-format.ts';
import { serve } from './workers.ts';

export interface HandoffRequest {
	sab: SharedArrayBuffer;
	payload: number;
	clock: Clock;
	events: number;
}

serve((msg) => {
	const r = msg as HandoffRequest;
	const ctl = new Int32Array(r.sab, 0, PAGE >> 2);
	let published = 0;
	const enc = new PageEncoder(r.sab, HANDOFF_DATA, () => {
		Atomics.store(ctl, CTL_PUBLISHED, ++published);
		if (Atomics.load(ctl, CTL_READER_SLEEPS) !== 0) Atomics.notify(ctl, CTL_PUBLISHED);
		// The next slot is free once the reader has given back the page it held.
		for (let idle = 0; ;) {
			const consumed = Atomics.load(ctl, CTL_CONSUMED);
			if (published - consumed < RING_PAGES) break;
			if (++idle < SPINS) continue;
			idle = 0;
			Atomics.store(ctl, CTL_WRITER_SLEEPS, 1);
			Atomics.wait(ctl, CTL_CONSUMED, consumed, 1);
			Atomics.store(ctl, CTL_WRITER_SLEEPS, 0);
		}
		return HANDOFF_DATA + (published % RING_PAGES) * PAGE;
	});
	const p = payloadWords(r.payload);
	if (r.clock === 'real') enc.clocked(p, r.events);
	else enc.plain(p, r.events);
	enc.flush();
	Atomics.store(ctl, CTL_DONE, 1);
	Atomics.notify(ctl, CTL_PUBLISHED);
});
