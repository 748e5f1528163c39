/**
 * Worker half of engine-cross.ts: the engine's free-running writer for CPU 0, straight into the
 * shared engine state (writeBurst, with the synthetic clock or one performance.now() reading per
 * event), a page at a time, waking the reader after each; sets the done word at the end. `paced`: before a write that would
 * cross onto the head page (push it: overwrite the oldest unread page), the writer waits until
 * the reader has swapped that page out, so nothing is lost (the baselines' writers wait for a free
 * page too; the engine itself is not changed by it), and publishes each page's commit once
 * (writeBurst's publish: 'page'), as the page transports publish pages. Measures nothing.
 */
import { RB_PAGE_HEAD, RB_WRITE_MASK } from '../src/lib/ring/constants.ts';
import { writeBurst } from '../src/lib/ring/writer/index.ts';
import { eventLength } from '../src/lib/ring/format.ts';
import { D_NEXT, D_WRITE, S_TAIL_PAGE } from '../src/lib/ring/layout.ts';
import { descI, structI, structOf, wrapRing, type Ring } from '../src/lib/ring/ring.ts';
import type { Clock } from './harness.ts';
import { nowNs, payloadWords, SPINS } from './kernel-format.ts';
import { serve } from './workers.ts';
import {
	CTL_DONE,
	CTL_PAGES,
	CTL_READER_SLEEPS,
	CTL_WRITER_WAITS,
	CTL_WRITTEN
} from './engine-cross-control.ts';

export interface EngineCrossRequest {
	state: SharedArrayBuffer;
	control: SharedArrayBuffer;
	payload: number;
	events: number;
	clock: Clock;
	paced: boolean;
}

/** Events of `length` bytes that still fit on CPU 0's tail page, and is its next page the head? */
function tail(ring: Ring, length: number): { room: number; headNext: boolean } {
	const s = structOf(ring, 0, 0);
	const d = descI(ring, s, Atomics.load(ring.i32, structI(ring, s) + S_TAIL_PAGE));
	const w = Atomics.load(ring.i32, d + D_WRITE) & RB_WRITE_MASK;
	return {
		room: Math.floor((ring.L.capacity - w) / length),
		headNext: (Atomics.load(ring.i32, d + D_NEXT) & 3) === RB_PAGE_HEAD
	};
}

serve((msg) => {
	const r = msg as EngineCrossRequest;
	const ring = wrapRing(r.state);
	const ctl = new Int32Array(r.control);
	const p = new Uint8Array(payloadWords(r.payload).buffer);
	const clock = r.clock === 'real' ? nowNs : undefined;
	// the lossless run publishes a page's commit once, as the page transports do
	const publish = r.paced ? 'page' : 'event';
	const length = eventLength(p.length);
	let written = 0;
	// One page at a time; after each, wake the reader if it sleeps (the kernel's rb_wakeups).
	while (written < r.events) {
		let t = tail(ring, length);
		if (t.room > 0) {
			const n = Math.min(t.room, r.events - written);
			written += writeBurst(ring, 0, p, n, undefined, undefined, clock, publish);
			Atomics.add(ctl, CTL_PAGES, 1);
			if (Atomics.load(ctl, CTL_READER_SLEEPS) !== 0) Atomics.notify(ctl, CTL_PAGES);
			continue;
		}
		if (r.paced)
			for (let idle = 0; t.headNext; t = tail(ring, length))
				if (++idle >= SPINS) {
					idle = 0;
					Atomics.wait(ctl, CTL_WRITER_WAITS, 0, 0.05);
				}
		written += writeBurst(ring, 0, p, 1, undefined, undefined, clock);
	}
	Atomics.store(ctl, CTL_WRITTEN, written);
	Atomics.store(ctl, CTL_DONE, 1);
	Atomics.notify(ctl, CTL_PAGES);
});
