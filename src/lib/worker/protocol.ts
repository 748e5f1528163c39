/**
 * The messages between the page (user space) and the engine Worker (the kernel): one
 * discriminated union each way, shared by both sides, versioned. The engine's state travels as the
 * SharedArrayBuffer itself (sent once, and again only when a resize re-lays it out), or, where the
 * page is not cross-origin isolated, as a copy of its bytes with every reply (the copying transport).
 */
import type { ConfigInput, ContextInfo, Mapping, Step, StepResult } from '../ring';
import type { Freeze, MarkKind, TimelineEntry, TimelineLoad } from '../session';

export const PROTOCOL_VERSION = 1;

export type Transport = 'shared' | 'copy';

export type Command =
	| { type: 'init'; id: number; version: number; config: ConfigInput; transport: Transport }
	| { type: 'apply'; id: number; step: unknown }
	| { type: 'applyAll'; id: number; steps: unknown[] }
	| { type: 'timeline'; id: number; call: TimelineCall }
	/**
	 * A scenario run apart from the machine on screen (which it leaves alone), each CPU drained
	 * page by page into a trace.dat (src/lib/tracedat): the editor's "Download trace.dat".
	 */
	| { type: 'traceDat'; id: number; scenario: unknown };

/**
 * Time travel through the engine's timeline. The plain `apply`/`applyAll` commands do not record
 * into it: they restart its history from the state they leave (writer Workers may be running).
 */
export type TimelineCall =
	/** Applies one action at the current position (drops the future after a seek back). */
	| { fn: 'apply'; step: unknown }
	| { fn: 'seek'; to: number }
	| { fn: 'back' }
	| { fn: 'forward' }
	/** Replaces the machine with a scenario's timeline (parsed and validated here). */
	| { fn: 'load'; scenario: unknown; at?: number }
	/** Entries from..to-1 (results, step records, marks, violations). */
	| { fn: 'entries'; from: number; to: number }
	/** Every position whose entry has a mark, with the kinds (for the slider's tick marks). */
	| { fn: 'marks' }
	/** Every action of the history, in order: with the config, all a URL needs to replay it. */
	| { fn: 'actions' }
	/**
	 * The history as a scenario document that replays it exactly (the loaded scenario's steps
	 * still whole, then every later entry), for the page's URL.
	 */
	| { fn: 'share' }
	/** Forgets the history: the current state becomes position 0 (after writer threads ran). */
	| { fn: 'restart' }
	| { fn: 'info' };

/** Where the timeline is: sent with every timeline reply. */
export interface TimelineView {
	position: number;
	length: number;
	frozen: Freeze | null;
	/** The in-flight contexts at this position (the lanes). */
	contexts: ContextInfo[];
}

export interface MarkAt {
	position: number;
	kinds: MarkKind[];
}

export type Reply =
	| {
			type: 'ready';
			id: number;
			version: number;
			transport: Transport;
			/** The state: the SharedArrayBuffer itself, or a copy of its bytes. */
			state: SharedArrayBuffer | ArrayBuffer;
			maps: Mapping[];
	  }
	| {
			type: 'result';
			id: number;
			results: StepResult[];
			/** Where the timeline is after the steps (they were recorded into it). */
			view: TimelineView;
			/** Present when the page must re-wrap: a new SharedArrayBuffer, or (copy) fresh bytes. */
			state?: SharedArrayBuffer | ArrayBuffer;
			/**
			 * The user-space mappings after the steps (the VMAs user space holds: which sub-buffer
			 * each pgoff shows), so the page can read them in place.
			 */
			maps: Mapping[];
	  }
	| {
			type: 'timeline';
			id: number;
			view: TimelineView;
			/** apply: one result per entry added (or the refusal). */
			results?: StepResult[];
			/** The entry that led to the current position (null at 0): what just happened. */
			current: TimelineEntry | null;
			entries?: TimelineEntry[];
			actions?: Step[];
			marks?: MarkAt[];
			/**
			 * load: where each scenario step starts, why loading stopped early, and the failed
			 * expectations (`expect`) as `ringlab run` reports them.
			 */
			load?: TimelineLoad & { mismatches?: string[] };
			/** share: the scenario document that replays the history (encode with encodeShareQuery). */
			scenario?: Record<string, unknown>;
			/** A call that could not be done (bad position, malformed scenario), in plain words. */
			error?: string;
			/** Present when the page must re-wrap (as for `result`). */
			state?: SharedArrayBuffer | ArrayBuffer;
			/** The user-space mappings at the new position (as for `result`). */
			maps: Mapping[];
	  }
	| { type: 'traceDat'; id: number; file: Uint8Array }
	| { type: 'error'; id: number; message: string };
