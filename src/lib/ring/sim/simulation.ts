/**
 * The host of the engine: applies scenario steps to a ring, owns the concurrent contexts and the
 * rule that writers on one CPU nest like a stack, collects warnings, and turns refusals into
 * results with the kernel's errno. Plain operations run as a context that is stepped to its end at
 * once; `spawn`/`step`/`finish` let a schedule interleave contexts one atomic step at a time. A run
 * is fully determined by (config, steps), so it replays exactly. This class is the facade: the
 * scheduler, the nesting rules, mappings, buffer-wide operations and checkpoints live beside it.
 */
import { validateConfig, type ConfigInput, type RingConfig } from '../config';
import { describeRing, type RingState } from '../describe';
import { FormatError, Refusal, type Errno } from '../errors';
import { H_REC_DISABLED } from '../layout';
import type { Mapping } from '../mapping';
import { createRing, type Ring } from '../ring';
import { validateStep, type Step } from '../steps';
import { restoreCheckpoint, takeCheckpoint, type Checkpoint } from './checkpoints';
import {
	createCore,
	setRing,
	type ContextInfo,
	type SimCore,
	type StepRecord,
	type StepResult
} from './core';
import { dispatch } from './dispatch';
import { contextsOf } from './scheduler';

export class Simulation {
	readonly config: RingConfig;
	/** User-space mappings (VMAs) by name. */
	readonly maps: Map<string, Mapping>;
	private readonly core: SimCore;

	constructor(config?: ConfigInput | RingConfig, shared = false) {
		this.config = validateConfig(config ?? {});
		this.core = createCore(this.config, createRing(this.config, shared));
		this.maps = this.core.maps;
	}

	/** The state buffer's views; replaced by a resize, an order change or a restore. */
	get ring(): Ring {
		return this.core.ring;
	}
	set ring(ring: Ring) {
		setRing(this.core, ring);
	}

	/** Called with every atomic step taken while recording (the page's step log, the CLI). */
	get onStep(): ((s: StepRecord) => void) | null {
		return this.core.onStep;
	}
	set onStep(fn: ((s: StepRecord) => void) | null) {
		this.core.onStep = fn;
	}

	/** Applies one step; never throws for bad input: a malformed step is an EINVAL result. */
	apply(raw: unknown): StepResult {
		this.core.warnings = [];
		let step: Step;
		try {
			step = validateStep(raw, '$', this.config);
		} catch (e) {
			if (e instanceof FormatError) return this.refused('EINVAL', e.message);
			throw e;
		}
		try {
			const res = dispatch(this.core, step);
			return { ok: true, ...res, warnings: this.core.warnings };
		} catch (e) {
			if (e instanceof Refusal) return this.refused(e.errno, e.message);
			throw e;
		}
	}

	/** The whole visible state: per CPU the ring, pointers, pages and counters. */
	state(): RingState {
		return describeRing(this.core.ring);
	}

	private refused(errno: Errno, message: string): StepResult {
		return { ok: false, errno, message, warnings: this.core.warnings };
	}

	/**
	 * Everything the next step depends on, copied: the state bytes (whatever their layout) and the
	 * host's bookkeeping (in-flight contexts' names, requests, payloads, collected events and pages,
	 * mappings, the last step note). The result is frozen and never aliased by the simulation.
	 */
	checkpoint(): Checkpoint {
		return takeCheckpoint(this.core);
	}

	/**
	 * Puts the simulation back exactly as it was at `cp`. The state bytes are copied into the same
	 * (Shared)ArrayBuffer when its size and layout match (a page holding a view keeps reading it);
	 * otherwise a new buffer of the same kind is made. Returns true when the buffer was replaced.
	 */
	restore(cp: Checkpoint): boolean {
		return restoreCheckpoint(this.core, cp);
	}

	/** The names of the contexts spawned and not yet finished, with their slot's progress. */
	contexts(): ContextInfo[] {
		return contextsOf(this.core);
	}

	/** True while recording is on for the live buffer. */
	get tracingOn(): boolean {
		return this.core.ring.i32[H_REC_DISABLED] === 0;
	}
}
