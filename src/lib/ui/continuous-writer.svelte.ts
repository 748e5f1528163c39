// The lab's continuous writer. With cross-origin isolation it is real concurrency: one free-running
// writer Worker per CPU writes straight into the engine's SharedArrayBuffer (writeBurst) while the
// page draws what it reads in place on every animation frame. Without isolation there is no shared
// memory, so it sends batches of writes to the engine Worker (one per frame, as many as are due at
// the rate) and draws the copy that comes back: the same events, slower and not concurrent.
import type { Step, StepResult } from '$lib/ring';
import type { Transport } from '$lib/worker/protocol';
import { READOUT_MS } from './cadence';

export interface WriterSettings {
	/** Events per second per CPU; 0 = as fast as it can. */
	rate: number;
	/** Payload bytes of each event (the writer stamps sequence number and CPU in the first 8). */
	size: number;
	/** Every CPU, or only the chosen one. */
	allCpus: boolean;
}

/** What the writer needs from the lab: the engine client's calls and the lab's redraw. */
export interface WriterHooks {
	apply(step: Step): Promise<StepResult>;
	startThreads(cpus: number[], rate: number, size: number): boolean;
	stopThreads(): Promise<void>;
	/** Events the writer thread of `cpu` wrote so far (can be late). */
	written(cpu: number): number;
	/** Re-read all of the state in place and redraw it (when the writer stops). */
	sample(): void;
	/** One animation frame's re-read and redraw while the writer runs (can be partial). */
	frame(): void;
}

/** The smallest payload: the stamp is a u32 sequence number and a u32 CPU. */
export const MIN_WRITER_SIZE = 8;
/** Writes one batch may carry without isolation, so a frame's reply stays small and quick. */
export const MAX_BATCH = 2000;

export class ContinuousWriter {
	running = $state(false);
	/** `threads`: writer Workers over shared memory; `batches`: writes sent to the engine Worker. */
	mode: 'threads' | 'batches' | null = $state(null);
	/** Events written since the start (threads: can be late). */
	total = $state(0);
	cpus: number[] = $state.raw([]);
	settings: WriterSettings = $state.raw({ rate: 1000, size: 16, allCpus: false });
	readonly #hooks: WriterHooks;
	#frame = 0;
	#t0 = 0;
	#sent = 0;
	/** When `total` was last updated while writer threads run (performance.now()). */
	#totalAt = 0;
	#inFlight: Promise<void> | null = null;

	constructor(hooks: WriterHooks) {
		this.#hooks = hooks;
	}

	/** Starts writing; returns a plain-words reason when it cannot, and then changes nothing. */
	start(
		transport: Transport,
		cpus: number[],
		settings: WriterSettings,
		maxSize = Infinity
	): string | null {
		if (this.running) return 'the continuous writer is already running';
		if (!Number.isInteger(settings.size) || settings.size < MIN_WRITER_SIZE)
			return `each event carries its sequence number and CPU: at least ${MIN_WRITER_SIZE} bytes`;
		if (settings.size > maxSize)
			return `the event (${settings.size} bytes) is larger than a sub-buffer holds (${maxSize} bytes)`;
		if (!Number.isFinite(settings.rate) || settings.rate < 0)
			return 'the rate is events per second: 0 (as fast as it can) or more';
		this.settings = settings;
		this.cpus = cpus;
		this.total = 0;
		this.#sent = 0;
		this.#t0 = performance.now();
		if (transport === 'shared') {
			if (!this.#hooks.startThreads(cpus, settings.rate, settings.size))
				return 'the writer threads could not start';
			this.mode = 'threads';
		} else this.mode = 'batches';
		this.running = true;
		this.#frame = requestAnimationFrame(this.#tick);
		return null;
	}

	/** Stops the writer and waits until nothing it started is still writing. */
	async stop(): Promise<void> {
		if (!this.running) return;
		this.running = false;
		cancelAnimationFrame(this.#frame);
		if (this.mode === 'threads') {
			await this.#hooks.stopThreads();
			this.total = this.#threadTotal();
		} else await this.#inFlight;
		this.#hooks.sample();
	}

	/** One line for the event log. */
	describe(): string {
		const { rate, size } = this.settings;
		const where = this.cpus.length > 1 ? `CPUs ${this.cpus.join(',')}` : `CPU ${this.cpus[0]}`;
		const how =
			this.mode === 'threads'
				? 'writer threads over shared memory'
				: 'batches through the engine Worker (no shared memory)';
		return `continuous writer on ${where}: ${size}-byte events at ${rate ? `${rate}/s per CPU` : 'full speed'}, ${how}`;
	}

	#threadTotal(): number {
		return this.cpus.reduce((n, c) => n + this.#hooks.written(c), 0);
	}

	#tick = (): void => {
		if (!this.running) return;
		if (this.mode === 'threads') {
			// The count is text beside the controls: re-set every frame it would lay out the page.
			const now = performance.now();
			if (now - this.#totalAt >= READOUT_MS) {
				this.#totalAt = now;
				this.total = this.#threadTotal();
			}
			this.#hooks.frame();
		} else if (!this.#inFlight) this.#inFlight = this.#sendBatch();
		this.#frame = requestAnimationFrame(this.#tick);
	};

	/** Copying transport: the writes due at the rate since the last batch, on every CPU. */
	async #sendBatch(): Promise<void> {
		const { rate, size } = this.settings;
		const elapsed = (performance.now() - this.#t0) / 1000;
		const due =
			rate > 0 ? Math.min(MAX_BATCH, Math.floor(elapsed * rate) - this.#sent) : MAX_BATCH;
		try {
			if (due <= 0) return;
			this.#sent += due;
			for (const cpu of this.cpus) {
				const res = await this.#hooks.apply({ op: 'write', cpu, size, repeat: due });
				this.total += typeof res.written === 'number' ? res.written : res.ok ? due : 0;
			}
			this.#hooks.frame();
		} finally {
			this.#inFlight = null;
		}
	}
}
