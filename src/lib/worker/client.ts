/**
 * The page's side of the engine: owns the engine Worker (and the writer Workers), matches replies
 * to requests, and keeps `ring`, a view of the engine state. With cross-origin isolation that view
 * is the Worker's own SharedArrayBuffer: the page reads the meta page and sub-buffers in place, as
 * an mmap consumer does (what it reads can be late by the writes in flight). Without isolation the
 * Worker sends a copy of the state with every reply, and free-running writers are not available.
 */
import { wrapRing, type Ring } from '../ring/ring';
import {
	PROTOCOL_VERSION,
	type Command,
	type Reply,
	type TimelineCall,
	type TimelineView,
	type Transport
} from './protocol';
import type { ConfigInput } from '../ring/config';
import type { Mapping } from '../ring/mapping';
import type { StepResult } from '../ring/simulation';
import type { ExploreProgress } from '../ring/explore';
import type { ExploreMessage, ExploreRequest } from './explore-protocol';
import type { ExploreReport } from './explore-report';
import {
	loadWritten,
	newWriterControl,
	writerControl,
	WRITER_STOP,
	type WriterControl,
	type WriterStart
} from './writer-control';

type Pending = { resolve: (r: Reply) => void; reject: (e: Error) => void };
/**
 * How long a command may go unanswered before it fails: no caller waits forever on an engine that
 * crashed or hangs (a whole scenario load of the largest file the spec allows takes far less).
 */
export const ENGINE_TIMEOUT_MS = 60_000;

/** Steps that re-lay out or reset the state: free-running writers are stopped around them. */
const STOP_THE_WORLD = new Set([
	'resize',
	'subbufOrder',
	'reset',
	'snapshotArm',
	'snapshotFree',
	'snapshot'
]);

export function canShare(): boolean {
	return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

export class EngineClient {
	ring!: Ring;
	/** The mappings user space holds, as of the last reply. */
	maps: Mapping[] = [];
	transport: Transport = 'copy';
	/** Where the engine's timeline was at the last reply. */
	view: TimelineView = { position: 0, length: 0, frozen: null, contexts: [] };
	/** Replies received from the engine Worker so far. */
	replies = 0;
	private readonly worker: Worker;
	private readonly pending = new Map<number, Pending>();
	private nextId = 1;
	private writers: Worker[] = [];
	private control: WriterControl | null = null;
	private writerConfig: { rate: number; size: number; cpus: number[] } | null = null;

	private constructor() {
		this.worker = new Worker(new URL('./sim.worker.ts', import.meta.url), { type: 'module' });
		this.worker.onmessage = (e: MessageEvent<Reply>) => {
			this.replies++;
			const p = this.pending.get(e.data.id);
			this.pending.delete(e.data.id);
			p?.resolve(e.data);
		};
		// A Worker that throws outside a command (or cannot start) answers nothing: fail what waits.
		this.worker.onerror = (e: ErrorEvent) => {
			e.preventDefault();
			this.failAll(`the engine failed: ${e.message || 'its Worker stopped'}`);
		};
		this.worker.onmessageerror = () =>
			this.failAll('the engine sent a message that could not be read');
	}

	/** Starts the engine Worker with `config`; shared transport when the page is isolated. */
	static async start(
		config: ConfigInput,
		transport: Transport = canShare() ? 'shared' : 'copy'
	): Promise<EngineClient> {
		const c = new EngineClient();
		const r = await c.send({
			type: 'init',
			id: 0,
			version: PROTOCOL_VERSION,
			config,
			transport
		});
		if (r.type !== 'ready')
			throw new Error(r.type === 'error' ? r.message : 'unexpected reply');
		c.transport = r.transport;
		c.ring = wrapRing(r.state);
		c.maps = r.maps;
		return c;
	}

	private send(cmd: Command): Promise<Reply> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.pending.delete(id);
				reject(
					new Error(
						`the engine did not answer "${cmd.type}" in ${ENGINE_TIMEOUT_MS / 1000} s`
					)
				);
			}, ENGINE_TIMEOUT_MS);
			this.pending.set(id, {
				resolve: (r) => (clearTimeout(timer), resolve(r)),
				reject: (e) => (clearTimeout(timer), reject(e))
			});
			this.worker.postMessage({ ...cmd, id });
		});
	}

	/** Rejects every command still waiting for an answer. */
	private failAll(message: string): void {
		const waiting = [...this.pending.values()];
		this.pending.clear();
		for (const p of waiting) p.reject(new Error(message));
	}

	/** Applies steps in the engine (a "system call"); resolves with their results. */
	async applyAll(steps: unknown[]): Promise<StepResult[]> {
		const stop = steps.some((s) => STOP_THE_WORLD.has((s as { op?: string }).op ?? ''));
		const resume = stop ? this.writerConfig : null;
		if (resume) await this.stopWriters();
		const r = await this.send({ type: 'applyAll', id: 0, steps });
		if (r.type === 'error') throw new Error(r.message);
		if (r.type !== 'result') throw new Error('unexpected reply');
		if (r.state) this.ring = wrapRing(r.state);
		this.maps = r.maps;
		this.view = r.view;
		if (resume) this.startWriters(resume.cpus, resume.rate, resume.size);
		return r.results;
	}

	async apply(step: unknown): Promise<StepResult> {
		return (await this.applyAll([step]))[0]!;
	}

	/** A scenario run in the engine apart from the machine on screen, drained into a trace.dat. */
	async traceDat(scenario: unknown): Promise<Uint8Array> {
		const r = await this.send({ type: 'traceDat', id: 0, scenario });
		if (r.type === 'error') throw new Error(r.message);
		if (r.type !== 'traceDat') throw new Error('unexpected reply');
		return r.file;
	}

	/**
	 * Time travel in the engine (apply, seek, back, forward, load, entries, marks, info); re-wraps
	 * the state when the reply carries one. The timeline knows nothing of free-running writers:
	 * stop them before using it.
	 */
	async timeline(call: TimelineCall): Promise<Extract<Reply, { type: 'timeline' }>> {
		const r = await this.send({ type: 'timeline', id: 0, call });
		if (r.type === 'error') throw new Error(r.message);
		if (r.type !== 'timeline') throw new Error('unexpected reply');
		if (r.state) this.ring = wrapRing(r.state);
		this.maps = r.maps;
		this.view = r.view;
		return r;
	}

	/** Free-running writers, one Worker per CPU, straight into the shared state. */
	startWriters(cpus: number[], rate: number, size: number): boolean {
		if (this.transport !== 'shared' || this.writers.length) return false;
		const control = newWriterControl();
		this.control = writerControl(control);
		this.writerConfig = { cpus, rate, size };
		for (const cpu of cpus) {
			const w = new Worker(new URL('./writer.worker.ts', import.meta.url), {
				type: 'module'
			});
			const start: WriterStart = {
				state: this.ring.buf as SharedArrayBuffer,
				control,
				cpu,
				size,
				rate
			};
			w.postMessage(start);
			this.writers.push(w);
		}
		return true;
	}

	/** Events written by the free-running writer of `cpu` so far (can be late). */
	written(cpu: number): number {
		return this.control ? loadWritten(this.control, cpu) : 0;
	}

	get writing(): boolean {
		return this.writers.length > 0;
	}

	/** Stops the writers and waits until each has left its loop. */
	async stopWriters(): Promise<void> {
		if (!this.control) return;
		Atomics.store(this.control.run, 0, WRITER_STOP);
		Atomics.notify(this.control.run, 0); // writers sleeping between batches wake at once
		await Promise.all(
			this.writers.map(
				(w) => new Promise<void>((res) => (w.onmessage = () => (w.terminate(), res())))
			)
		);
		this.writers = [];
		this.writerConfig = null;
	}

	terminate(): void {
		if (this.control) Atomics.store(this.control.run, 0, WRITER_STOP);
		for (const w of this.writers) w.terminate();
		this.worker.terminate();
		this.failAll('the engine was stopped before it answered');
	}
}

/** An explore run in its own Worker (the Explore panel): its report, and Cancel. */
export interface ExploreRun {
	/** The report; null when cancelled. Rejects with the explorer's refusal in plain words. */
	done: Promise<ExploreReport | null>;
	/** Stops the Worker at once (the search is lost). */
	cancel(): void;
}

/** Runs `ringlab explore` on `request.scenario` in a new Worker, reporting progress as it goes. */
export function startExplore(
	request: ExploreRequest,
	onProgress: (p: ExploreProgress) => void
): ExploreRun {
	const worker = new Worker(new URL('./explore.worker.ts', import.meta.url), { type: 'module' });
	let settle: (r: ExploreReport | null) => void = () => undefined;
	let fail: (e: Error) => void = () => undefined;
	const done = new Promise<ExploreReport | null>((resolve, reject) => {
		settle = (r) => (worker.terminate(), resolve(r));
		fail = (e) => (worker.terminate(), reject(e));
	});
	worker.onmessage = (e: MessageEvent<ExploreMessage>) => {
		const m = e.data;
		if (m.type === 'progress') onProgress(m);
		else if (m.type === 'done') settle(m.report);
		else fail(new Error(m.message));
	};
	worker.onerror = (e: ErrorEvent) => {
		e.preventDefault();
		fail(new Error(`the explorer failed: ${e.message || 'its Worker stopped'}`));
	};
	worker.postMessage(request);
	return { done, cancel: () => settle(null) };
}
