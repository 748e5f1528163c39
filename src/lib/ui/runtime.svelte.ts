// Runes adapter for the runtime page: starts the engine Worker, runs user space (a mapping of CPU 0
// read through GET_READER) on this thread, and samples the shared state on animation frames.
import { EngineClient } from '$lib/worker/client';
import { describeRing, takeHandedEvents, type ConsumerCursor, type Mapping } from '$lib/ring';

export class RuntimeLab {
	client: EngineClient | null = $state.raw(null);
	status = $state('starting');
	entries = $state(0);
	overrun = $state(0);
	written = $state(0);
	read = $state(0);
	lost = $state(0);
	private cursor: ConsumerCursor = { id: -1, pos: 0 };
	private mapped = false;
	private frame = 0;

	async start(): Promise<void> {
		try {
			this.client = await EngineClient.start({ cpus: 1, subbufsPerCpu: 16 });
			this.status = 'idle';
			const tick = () => {
				this.sample();
				this.frame = requestAnimationFrame(tick);
			};
			tick();
		} catch (e) {
			this.status = `error: ${(e as Error).message}`;
		}
	}

	/** Reads the counters from the engine state in place (no message): can be late. */
	sample(): void {
		if (!this.client) return;
		const c = describeRing(this.client.ring).cpus[0]!;
		this.entries = c.counters.entries;
		this.overrun = c.counters.overrun;
		this.written = this.client.written(0);
	}

	/** 100 writes through the engine Worker (a system call each way), in either transport. */
	async write100(): Promise<void> {
		await this.client?.apply({ op: 'write', cpu: 0, size: 24, repeat: 100 });
		this.sample();
	}

	startWriters(rate: number): void {
		if (this.client?.startWriters([0], rate, 24)) this.status = 'running';
	}

	async stopWriters(): Promise<void> {
		await this.client?.stopWriters();
		this.status = 'idle';
	}

	/** User space: map CPU 0 once, then GET_READER and read what it handed over, through the mapping. */
	async readMapped(): Promise<void> {
		const c = this.client;
		if (!c) return;
		if (!this.mapped) {
			await c.applyAll([
				{ op: 'map', cpu: 0, as: 'meta' },
				{ op: 'map', cpu: 0, as: 'data', offset: 4096, length: 4096 * 17 }
			]);
			this.mapped = true;
		}
		await c.apply({ op: 'getReader', cpu: 0 });
		const maps: Mapping[] = [this.mapping('meta', 0), this.mapping('data', 1)];
		const got = takeHandedEvents(c.ring, maps[1]!, maps, this.cursor);
		this.read += got.events.length;
		if (got.missed > 0) this.lost += got.missed;
		this.sample();
	}

	/** The VMAs as user space holds them: meta page at pgoff 0, sub-buffers by ID after it. */
	private mapping(name: string, pgoff: number): Mapping {
		const pages =
			pgoff === 0
				? [{ kind: 'meta' as const }]
				: Array.from({ length: 17 }, (_, id) => ({
						kind: 'data' as const,
						page: this.pageOfId(id),
						id,
						sub: 0
					}));
		return { name, cpu: 0, struct: 0, pgoff, pages };
	}

	private pageOfId(id: number): number {
		const pages = describeRing(this.client!.ring).cpus[0]!.pages;
		return pages.findIndex((p) => p.id === id);
	}

	stop(): void {
		cancelAnimationFrame(this.frame);
		this.client?.terminate();
	}
}
