/**
 * Baselines (b) and (c), two threads, copying: postMessage of one kernel-style record per message
 * (structured clone), and of one 4 KiB sub-buffer per message, encoded by the same page encoder as
 * the SAB handoff. The main thread parses what arrives; timed from the request to the last event.
 */
import type { Scenario } from './harness.ts';
import { parsePage, walkEvents } from './kernel-format.ts';
import type { PostRequest } from './post-message.worker.ts';
import { worker } from './workers.ts';

const FILE = new URL('./post-message.worker.ts', import.meta.url);

function post(payload: number, mode: PostRequest['mode']): Scenario {
	return {
		key: `post-${mode}`,
		part: mode === 'page' ? 'b' : 'c',
		label:
			mode === 'page'
				? 'postMessage, one 4 KiB page per message'
				: 'postMessage, one record per message',
		payload,
		buffer: '-',
		clock: 'synthetic',
		warmup: mode === 'page' ? 1 << 15 : 1 << 12,
		async run(events) {
			const w = await worker(FILE);
			let got = 0;
			let t1 = 0;
			w.onData = (m) => {
				if (!(m instanceof Uint8Array)) return;
				const u32 = new Uint32Array(m.buffer, m.byteOffset, m.byteLength >> 2);
				got += mode === 'page' ? parsePage(u32, 0) : walkEvents(u32, 0, m.byteLength);
				if (got >= events && t1 === 0) t1 = performance.now();
			};
			const req: PostRequest = { mode, payload, events };
			const t0 = performance.now();
			await w.request(req);
			// 'done' is queued behind the data, so every message has been handled.
			w.onData = () => {};
			if (got !== events)
				throw new Error(`postMessage: ${got} events arrived, ${events} sent`);
			return t1 - t0;
		}
	};
}

export function postMessageScenarios(payload: number): Scenario[] {
	return [post(payload, 'page'), post(payload, 'record')];
}
