// The lab's session with the engine: the EngineClient that owns the engine Worker, the command
// queue (commands run one after another, in the order the controls were used; the page's
// opening work first), and the view of the engine's timeline (where it is, the entry that led
// there, its interesting moments, and the CPU of every context seen on this machine).
import { SvelteMap } from 'svelte/reactivity';
import type { ConfigInput } from '$lib/ring';
import type { TimelineEntry } from '$lib/session';
import type { MarkAt, Reply, TimelineCall, TimelineView, Transport } from '$lib/worker/protocol';
import { EngineClient } from '$lib/worker/client';
import { settled } from '$lib/viz/motion';

export type TimelineReply = Extract<Reply, { type: 'timeline' }>;

export class LabSession {
	/** How the page sees the engine's state: in place (shared) or as copies (copy). */
	transport: Transport | null = $state(null);
	/** Why a command failed (the page is then in `error`), '' while none did. */
	error = $state('');
	/** Where the engine's timeline is: position, length, a freeze, the in-flight contexts. */
	timeline: TimelineView = $state.raw({ position: 0, length: 0, frozen: null, contexts: [] });
	/** The entry that led to the current position: what just happened (null at position 0). */
	current: TimelineEntry | null = $state.raw(null);
	/** Every position whose entry has an interesting moment (for the slider and "next moment"). */
	marks: MarkAt[] = $state.raw([]);
	#client: EngineClient | null = null;
	/** The page's opening work (arrive), null once it ended. */
	#arrival: Promise<void> | null = null;
	#queue: Promise<unknown> = Promise.resolve();
	#inFlight = 0;
	/** The CPU of every context seen on this machine, by name (kept after it finished). */
	#contextCpus = new SvelteMap<string, number>();
	/** Called whenever what the engine status follows changed (commands in flight, arrival). */
	readonly #changed: () => void;

	constructor(changed: () => void) {
		this.#changed = changed;
	}

	/** The engine client (the page's one; a new machine gets a new one). */
	get client(): EngineClient {
		return this.#client!;
	}

	/** The engine client, null before the first machine is up. */
	get started(): EngineClient | null {
		return this.#client;
	}

	/** Whether a command is queued or running, or the page's opening work still runs. */
	get busy(): boolean {
		return this.#inFlight > 0;
	}

	get arriving(): boolean {
		return this.#arrival !== null;
	}

	/** (Re)starts the engine Worker for `config` (the old one is stopped). */
	async start(config: ConfigInput): Promise<void> {
		this.#client?.terminate();
		this.#client = await EngineClient.start(config);
		this.transport = this.#client.transport;
	}

	/** A new machine is a new timeline: nothing has happened on it yet. */
	restart(): void {
		this.timeline = this.client.view;
		this.current = null;
		this.marks = [];
	}

	/** Queues `fn` after every command sent before it; a failure puts the page in `error`. */
	enqueue(fn: () => Promise<void> | void): Promise<void> {
		this.#inFlight++;
		this.#changed();
		const run = this.#queue.then(fn).catch((e: unknown) => {
			this.error = e instanceof Error ? e.message : String(e);
		});
		this.#queue = run.finally(() => {
			this.#inFlight--;
			this.#changed();
		});
		return this.#queue as Promise<void>;
	}

	/**
	 * Resolves once the lab is idle: what the page was opened for is loaded (see `arrive`), every
	 * command sent so far has been answered and drawn, and no drawing move is running.
	 */
	async idle(): Promise<void> {
		for (;;) {
			const queue = this.#queue;
			await queue;
			if (this.#arrival) {
				await this.#arrival;
				continue;
			}
			await settled();
			if (queue === this.#queue && !this.#arrival) return;
		}
	}

	/**
	 * The page's opening work, run once the engine is up (the lessons list, the URL's scenario or
	 * lesson): until it ends the lab is `starting`, and idle() waits for it. `work` must not wait
	 * for idle() (it would wait for itself).
	 */
	arrive(work: () => Promise<unknown>): void {
		const arrival = this.#queue.then(work).then(
			() => undefined,
			(e: unknown) => void (this.error = e instanceof Error ? e.message : String(e))
		);
		this.#arrival = arrival.then(() => {
			if (this.#arrival === tracked) this.#arrival = null;
			this.#changed();
		});
		const tracked = this.#arrival;
		this.#changed();
	}

	/**
	 * A timeline question asked outside the command queue (it changes nothing), after every
	 * command sent before it. A new machine built meanwhile stops the engine that was asked: the
	 * question goes to the new one, which is what the page shows.
	 */
	async ask(call: TimelineCall): Promise<TimelineReply> {
		for (;;) {
			await this.#queue;
			const client = this.#client!;
			try {
				return await client.timeline(call);
			} catch (e) {
				if (client === this.#client) throw e;
			}
		}
	}

	/**
	 * A scenario run in the engine apart from the machine on screen, drained page by page into a
	 * trace.dat (the editor's "Download trace.dat"), after every command sent before it.
	 */
	async traceDat(scenario: unknown): Promise<Uint8Array> {
		await this.#queue;
		return this.client.traceDat(scenario);
	}

	/** A timeline call (from inside the queue): adopts its view and the entry that led there. */
	async call(call: TimelineCall): Promise<TimelineReply> {
		const r = await this.client.timeline(call);
		await this.adopt(r.view);
		this.current = r.current;
		return r;
	}

	/** Adopts the engine's view of its timeline and, when it changed, its marks. */
	async adopt(view: TimelineView): Promise<void> {
		for (const c of view.contexts) this.#contextCpus.set(c.name, c.cpu);
		const grew = view.length !== this.timeline.length || view.position > this.timeline.length;
		this.timeline = view;
		if (grew || !view.length)
			this.marks = (await this.client.timeline({ fn: 'marks' })).marks ?? [];
	}

	/** The CPU context `name` runs on, if one of that name was seen on this machine. */
	cpuOfContext(name: string): number | undefined {
		return this.#contextCpus.get(name);
	}
}
