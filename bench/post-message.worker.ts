/**
 * Worker half of post-message.ts: sends each kernel-style record in its own message, or encodes
 * records into a private 4 KiB sub-buffer and posts every full page (structured clone, a copy).
 * Measures nothing itself: the main thread times the run.
 */
import { parentPort } from 'node:worker_threads';
import {
	copyByWords,
	eventShape,
	PAGE,
	PageEncoder,
	payloadWords,
	STEP_NS
} from './kernel-format.ts';
import { serve } from './workers.ts';

export interface PostRequest {
	mode: 'record' | 'page';
	payload: number;
	events: number;
}

serve((msg) => {
	const r = msg as PostRequest;
	const port = parentPort!;
	const p = payloadWords(r.payload);
	if (r.mode === 'page') {
		const page = new Uint8Array(PAGE);
		const enc = new PageEncoder(page.buffer, 0, () => {
			port.postMessage(page);
			return 0;
		});
		enc.plain(p, r.events);
		enc.flush();
		return;
	}
	const { len, head, typeLen, array0, words } = eventShape(r.payload);
	const small = copyByWords(words);
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
		port.postMessage(rec);
	}
});
