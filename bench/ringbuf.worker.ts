/**
 * Worker half of ringbuf.ts: for each event, encodes one kernel-style record (header word and
 * payload) in a scratch buffer and pushes it into a ringbuf.js RingBuffer, spinning while it is
 * full. Measures nothing itself: the main thread times the run.
 */
import { RingBuffer } from 'ringbuf.js';
import { copyByWords, eventShape, payloadWords, STEP_NS } from './kernel-format.ts';
import { serve } from './workers.ts';

export interface RingbufRequest {
	sab: SharedArrayBuffer;
	payload: number;
	events: number;
}

const rings = new WeakMap<SharedArrayBuffer, RingBuffer>();

serve((msg) => {
	const r = msg as RingbufRequest;
	let rb = rings.get(r.sab);
	if (!rb) rings.set(r.sab, (rb = new RingBuffer(r.sab, Uint8Array)));
	const { len, head, typeLen, array0, words } = eventShape(r.payload);
	const small = copyByWords(words);
	const p = payloadWords(r.payload);
	const rec32 = new Uint32Array(len >> 2);
	const rec = new Uint8Array(rec32.buffer);
	const hdr = typeLen | (STEP_NS << 5);
	for (let i = 0; i < r.events; i++) {
		rec32[0] = hdr;
		if (head === 2) rec32[1] = array0;
		if (small)
			for (let k = 0; k < words; k += 4) {
				rec32[head + k] = p[k]!;
				rec32[head + k + 1] = p[k + 1]!;
				rec32[head + k + 2] = p[k + 2]!;
				rec32[head + k + 3] = p[k + 3]!;
			}
		else rec32.set(p, head);
		while (rb.availableWrite() < len) continue;
		rb.push(rec);
	}
});
