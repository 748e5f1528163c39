// What the lab's parts share: the controls, the machine a setup builds, an action's outcome, a
// log line, what loading a scenario did, and how the page sees the engine. Types and two pure
// helpers only.
import type { KernelVersion } from '$lib/ring';
import type { Transport } from '$lib/worker/protocol';

/** The controls whose refusals are shown next to them. */
export type ControlId =
	| 'write'
	| 'burst'
	| 'consume'
	| 'readPage'
	| 'map'
	| 'unmap'
	| 'getReader'
	| 'snapshot'
	| 'snapshotFree'
	| 'resize'
	| 'subbufOrder'
	| 'reset'
	| 'tracing'
	| 'writer'
	| 'spawn'
	| 'step'
	| 'timeline';

/** What a new machine is built from; changing any of these makes a new Simulation. */
export interface LabSetup {
	kernel: KernelVersion;
	cpus: number;
	subbufsPerCpu: number;
	subbufOrder: number;
	overwrite: boolean;
}

/** The last action's result, shown next to the control that caused it. */
export interface Outcome {
	control: ControlId;
	ok: boolean;
	errno?: string;
	message?: string;
	warnings: string[];
}

export interface LogLine {
	id: number;
	kind: 'action' | 'refusal' | 'event' | 'lost' | 'warning';
	text: string;
}

export type WriterContext = 'task' | 'irq' | 'nmi';

export const DEFAULT_SETUP: LabSetup = {
	kernel: '6.10',
	cpus: 2,
	subbufsPerCpu: 4,
	subbufOrder: 0,
	overwrite: true
};

/** Whether two setups build the same machine. */
export function sameSetup(a: LabSetup, b: LabSetup): boolean {
	return (Object.keys(a) as (keyof LabSetup)[]).every((k) => a[k] === b[k]);
}

/** What loading a scenario did. */
export type LoadOutcome =
	| {
			ok: true;
			length: number;
			stopped: string | null;
			/** Its failed expectations, as `ringlab run` reports them (it exits 1); [] when all held. */
			mismatches: string[];
	  }
	| { ok: false; message: string };

/** A concurrent context to start in step mode. */
export interface SpawnSpec {
	ctx: 'task' | 'irq' | 'nmi' | 'reader' | 'user' | 'swap';
	cpu: number;
	/** The operation it runs (a scenario step without `cpu`'s default). */
	do: Record<string, unknown>;
}

/** What `window.ringlab.engine()` reports. */
export interface EngineInfo {
	transport: Transport | null;
	/** The state this page draws is the engine Worker's own SharedArrayBuffer (zero-copy). */
	stateIsShared: boolean;
	/** Replies from the engine Worker so far: they do not move while writer threads write. */
	replies: number;
	writer: 'threads' | 'batches' | null;
	written: number;
}

/** `document.body.dataset.engine` (spec §4). */
export type EngineStatus = 'starting' | 'idle' | 'running' | 'error';
