/**
 * The messages between the page (user space) and the engine Worker (the kernel): one
 * discriminated union each way, shared by both sides, versioned. The engine's state travels as the
 * SharedArrayBuffer itself (sent once, and again only when a resize re-lays it out), or, where the
 * page is not cross-origin isolated, as a copy of its bytes with every reply (the copying transport).
 */
import type { ConfigInput } from './config';
import type { Mapping } from './mapping';
import type { StepResult } from './simulation';

export const PROTOCOL_VERSION = 1;

export type Transport = 'shared' | 'copy';

export type Command =
	| { type: 'init'; id: number; version: number; config: ConfigInput; transport: Transport }
	| { type: 'apply'; id: number; step: unknown }
	| { type: 'applyAll'; id: number; steps: unknown[] };

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
			/** Present when the page must re-wrap: a new SharedArrayBuffer, or (copy) fresh bytes. */
			state?: SharedArrayBuffer | ArrayBuffer;
			/**
			 * The user-space mappings after the steps (the VMAs user space holds: which sub-buffer
			 * each pgoff shows), so the page can read them in place.
			 */
			maps: Mapping[];
	  }
	| { type: 'error'; id: number; message: string };
