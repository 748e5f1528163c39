/**
 * Worker plumbing for the cross-thread scenarios, measures nothing: starts TypeScript workers
 * through tsx (one per worker file, reused by every run) and gives request/done round trips.
 * Worker side: `serve(handler)`; each request is answered with { type: 'done' } or an error.
 */
import { parentPort, Worker } from 'node:worker_threads';

/**
 * Node 20 does not apply `execArgv: ['--import', 'tsx']` to a worker's entry file (the .ts
 * extension is refused), so each worker boots from a tiny script that registers tsx first.
 */
const TSX_API = import.meta.resolve('tsx/esm/api');

interface Control {
	type: 'ready' | 'done' | 'error';
	message?: string;
}

function isControl(m: unknown): m is Control {
	return typeof m === 'object' && m !== null && !ArrayBuffer.isView(m) && 'type' in m;
}

export class BenchWorker {
	/** Receives every message that is not a control message (data sent by the worker). */
	onData: (m: unknown) => void = () => {};
	private waiting: { resolve: () => void; reject: (e: Error) => void } | null = null;

	private constructor(private readonly w: Worker) {
		w.on('message', (m: unknown) => {
			if (!isControl(m)) return this.onData(m);
			const wait = this.waiting;
			this.waiting = null;
			if (m.type === 'error') wait?.reject(new Error(`worker: ${m.message ?? '?'}`));
			else wait?.resolve();
		});
		w.on('error', (e) => {
			const wait = this.waiting;
			this.waiting = null;
			wait?.reject(e);
		});
	}

	/** Starts `file` (a .ts worker next to this one) and waits for its 'ready'. */
	static async start(file: URL): Promise<BenchWorker> {
		const boot =
			`import(${JSON.stringify(TSX_API)})` +
			`.then((m) => m.register()).then(() => import(${JSON.stringify(file.href)}))`;
		const bw = new BenchWorker(new Worker(boot, { eval: true }));
		await bw.next();
		return bw;
	}

	private next(): Promise<void> {
		if (this.waiting) throw new Error('one request at a time');
		return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
	}

	/** Posts a request; the promise settles when the worker has handled it. */
	request(msg: object): Promise<void> {
		const done = this.next();
		this.w.postMessage(msg);
		return done;
	}

	terminate(): Promise<number> {
		return this.w.terminate();
	}
}

const pool = new Map<string, Promise<BenchWorker>>();

/** The one worker running `file`, started on first use. */
export function worker(file: URL): Promise<BenchWorker> {
	let w = pool.get(file.href);
	if (!w) {
		w = BenchWorker.start(file);
		pool.set(file.href, w);
	}
	return w;
}

export async function closeWorkers(): Promise<void> {
	for (const w of pool.values()) await (await w).terminate();
	pool.clear();
}

/** Worker side: handles each request synchronously, then reports done (or the error). */
export function serve(handler: (msg: unknown) => void): void {
	const port = parentPort;
	if (!port) throw new Error('serve() runs inside a worker');
	port.on('message', (msg: unknown) => {
		try {
			handler(msg);
			port.postMessage({ type: 'done' });
		} catch (e) {
			port.postMessage({
				type: 'error',
				message: e instanceof Error ? e.message : String(e)
			});
		}
	});
	port.postMessage({ type: 'ready' });
}
