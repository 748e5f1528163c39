/**
 * Time travel: a history of actions on one Simulation (each a scenario step, or one atomic step of
 * a context), their results, step records and "interesting moment" marks, with checkpoints taken
 * every so many atomic steps so that any position can be reached by restoring the nearest earlier
 * checkpoint and replaying. Applying an action after seeking back drops the future, like an
 * editor's undo. After every entry the invariants are checked; one that breaks (possible only with
 * a history switch) freezes the timeline there, with a plain-words explanation. (config, actions)
 * replays identically, so the actions are all a URL needs to carry.
 */
import {
	checkInvariants,
	Simulation,
	validateConfig,
	type Checkpoint,
	type ConfigInput,
	type RingConfig,
	type Scenario,
	type Step,
	type StepRecord,
	type StepResult,
	type Violation
} from '../ring';
import { explainViolations } from './explain';
import { marksBetween, probe, type Mark, type MarkKind } from './marks';

export interface TimelineEntry {
	/** The action as applied (no `expect`); `{op: 'step', ctx}` for one atomic step. */
	readonly action: Step;
	/** Which scenario step (or apply call) it came from: a `step` with `n` makes n entries. */
	readonly source: number;
	readonly result: StepResult;
	/** The atomic steps it took, the first `maxRecords` of them. */
	readonly records: readonly StepRecord[];
	readonly recordsTotal: number;
	readonly marks: readonly Mark[];
	/** The invariants broken after it (non-empty freezes the timeline here). */
	readonly violations: readonly Violation[];
}

export interface TimelineOptions {
	/** Run on a SharedArrayBuffer (the page's shared transport). */
	shared?: boolean;
	/** Atomic steps between checkpoints (default 500; doubled when checkpoints take too much memory). */
	checkpointEvery?: number;
	/** Memory the checkpoints may take before every other one is dropped (default 64 MiB). */
	maxCheckpointBytes?: number;
	/** Step records kept per entry (default 1000). */
	maxRecords?: number;
}

export interface TimelineApply {
	/** One result per entry added; the refusal alone when nothing was added. */
	results: StepResult[];
	/** The last result. */
	result: StepResult;
	/** Entries recorded: 0 for a refusal that changed nothing, or when frozen. */
	added: number;
}

/** Why the timeline refuses to go forward: the position whose entry broke an invariant. */
export interface Freeze {
	at: number;
	violations: readonly Violation[];
	explanation: string;
}

/** What loading a scenario did: where each scenario step's entries start, and why it stopped. */
export interface TimelineLoad {
	/** starts[i] = the position before scenario step i (starts[steps.length] = the end). */
	starts: number[];
	/** Null when every step was applied; else why it stopped (a broken invariant). */
	stopped: string | null;
}

interface Saved {
	at: number;
	cp: Checkpoint;
}

/** Ops that only read: never recorded by an interactive apply (replaying them changes nothing). */
const READS = new Set(['readMeta', 'readMapped']);
const NO_MARKS: readonly Mark[] = Object.freeze([]);
const NO_VIOLATIONS: readonly Violation[] = Object.freeze([]);

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

export class Timeline {
	readonly sim: Simulation;
	readonly config: RingConfig;
	private readonly list: TimelineEntry[] = [];
	/** Atomic steps each entry took (its replay cost). */
	private readonly costs: number[] = [];
	private pos = 0;
	private readonly saved: Saved[] = [];
	private every: number;
	private readonly maxBytes: number;
	private readonly maxRecords: number;
	private records: StepRecord[] = [];
	private recordsTotal = 0;
	private nextSource = 0;

	constructor(config?: ConfigInput | RingConfig, opts: TimelineOptions = {}) {
		this.config = validateConfig(config ?? {});
		this.sim = new Simulation(this.config, opts.shared ?? false);
		this.every = opts.checkpointEvery ?? 500;
		this.maxBytes = opts.maxCheckpointBytes ?? 64 * 2 ** 20;
		this.maxRecords = opts.maxRecords ?? 1000;
		this.saved.push({ at: 0, cp: this.sim.checkpoint() });
	}

	/**
	 * A timeline of a scenario: every step applied in order (refusals recorded too, so position i
	 * is "after scenario step i" for a scenario without `step` n). Stops at a broken invariant.
	 */
	static fromScenario(scenario: Scenario, opts: TimelineOptions = {}): Timeline & TimelineLoad {
		const tl = new Timeline(scenario.config, opts);
		const starts: number[] = [];
		let stopped: string | null = null;
		for (let i = 0; i < scenario.steps.length; i++) {
			starts.push(tl.length);
			if (tl.frozen) {
				stopped = tl.frozen.explanation;
				break;
			}
			tl.apply(scenario.steps[i], { keepAll: true, source: i });
		}
		if (starts.length === scenario.steps.length) starts.push(tl.length);
		if (!stopped && tl.frozen) stopped = tl.frozen.explanation;
		return Object.assign(tl, { starts, stopped });
	}

	/** Entries in the history (positions run 0..length). */
	get length(): number {
		return this.list.length;
	}

	/** The current position: the state after this many entries. */
	get position(): number {
		return this.pos;
	}

	entry(i: number): TimelineEntry | undefined {
		return this.list[i];
	}

	/** Every entry's action, in order: with the config, all that is needed to replay. */
	actions(): Step[] {
		return this.list.map((e) => e.action);
	}

	/** Set when the entry just before the current position broke an invariant. */
	get frozen(): Freeze | null {
		const e = this.list[this.pos - 1];
		if (!e || !e.violations.length) return null;
		return {
			at: this.pos,
			violations: e.violations,
			explanation: explainViolations(e.violations, this.pos - 1, e.action.op)
		};
	}

	/** How many checkpoints are kept and the bytes they hold (the bench reports it). */
	get checkpointStats(): { count: number; bytes: number; every: number } {
		let bytes = 0;
		for (const s of this.saved) bytes += s.cp.bytes.byteLength;
		return { count: this.saved.length, bytes, every: this.every };
	}

	/**
	 * Applies an action at the current position, dropping any future first. A `step` with `n`
	 * becomes n one-step entries (fewer when the context finishes). Unless `keepAll` (a scenario's
	 * steps, kept one to one), what cannot change anything is not recorded: a refusal that left the
	 * state exactly as it was, and the reads `readMeta` and `readMapped`. Refused with EINVAL while
	 * frozen.
	 */
	apply(raw: unknown, opts: { keepAll?: boolean; source?: number } = {}): TimelineApply {
		const freeze = this.frozen;
		if (freeze) {
			const result: StepResult = {
				ok: false,
				errno: 'EINVAL',
				message: `the timeline is frozen at step ${freeze.at}: an invariant broke there; step back to change the past`,
				warnings: []
			};
			return { results: [result], result, added: 0 };
		}
		const source = opts.source ?? this.nextSource;
		this.nextSource = Math.max(this.nextSource, source + 1);
		let action = raw;
		if (isObject(raw) && 'expect' in raw) {
			const { expect, ...bare } = raw;
			void expect;
			action = bare;
		}
		if (
			isObject(action) &&
			action.op === 'step' &&
			typeof action.n === 'number' &&
			Number.isInteger(action.n) &&
			action.n > 1 &&
			action.n <= 1_000_000 &&
			typeof action.ctx === 'string'
		) {
			const results: StepResult[] = [];
			let added = 0;
			for (let i = 0; i < action.n; i++) {
				const one = this.applyOne({ op: 'step', ctx: action.ctx }, source, opts.keepAll);
				results.push(one.result);
				added += one.added;
				if (!one.result.ok || one.result.done || this.frozen) break;
			}
			return { results, result: results.at(-1)!, added };
		}
		const one = this.applyOne(action, source, opts.keepAll);
		return { results: [one.result], result: one.result, added: one.added };
	}

	private applyOne(
		action: unknown,
		source: number,
		keepAll = false
	): { result: StepResult; added: number } {
		if (this.pos < this.list.length) this.truncate();
		const sim = this.sim;
		const isStep = isObject(action) && action.op === 'step';
		// Refused context steps never change anything; other refusals may (a dropped write).
		const before = isStep || keepAll ? null : sim.ring.u8.slice();
		const beforeProbe = probe(sim.ring);
		this.records = [];
		this.recordsTotal = 0;
		sim.onStep = (r) => {
			if (this.records.length < this.maxRecords) this.records.push(r);
			this.recordsTotal++;
		};
		let result: StepResult;
		try {
			result = sim.apply(action);
		} finally {
			sim.onStep = null;
		}
		if (!keepAll && isObject(action) && READS.has(action.op as string))
			return { result, added: 0 };
		if (!result.ok && !keepAll) {
			if (isStep || (before && sameBytes(before, new Uint8Array(sim.ring.buf))))
				return { result, added: 0 };
		}
		const violations = checkInvariants(sim.ring);
		const marks = marksBetween(beforeProbe, probe(sim.ring), result.warnings, violations);
		this.list.push(
			Object.freeze({
				action: JSON.parse(JSON.stringify(action)) as Step,
				source,
				result,
				records: this.records,
				recordsTotal: this.recordsTotal,
				marks: marks.length ? marks : NO_MARKS,
				violations: violations.length ? violations : NO_VIOLATIONS
			})
		);
		this.costs.push(this.recordsTotal + 1);
		this.pos = this.list.length;
		this.maybeCheckpoint();
		return { result, added: 1 };
	}

	/**
	 * Starts the history again from the current state: no entries, one checkpoint here. For a
	 * state changed behind the timeline's back (plain host applies, free-running writers).
	 */
	rebase(): void {
		this.list.length = 0;
		this.costs.length = 0;
		this.pos = 0;
		this.saved.length = 0;
		this.saved.push({ at: 0, cp: this.sim.checkpoint() });
	}

	/** Drops the entries after the current position and the checkpoints past it. */
	private truncate(): void {
		this.list.length = this.pos;
		this.costs.length = this.pos;
		while (this.saved.length > 1 && this.saved.at(-1)!.at > this.pos) this.saved.pop();
	}

	private maybeCheckpoint(): void {
		const last = this.saved.at(-1)!;
		let cost = 0;
		for (let i = last.at; i < this.pos; i++) cost += this.costs[i]!;
		if (cost < this.every) return;
		this.saved.push({ at: this.pos, cp: this.sim.checkpoint() });
		if (this.checkpointStats.bytes > this.maxBytes) {
			// keep position 0 and every other later checkpoint; space new ones twice as far apart
			const kept = this.saved.filter((_, i) => i === 0 || i % 2 === 0);
			this.saved.length = 0;
			this.saved.push(...kept);
			this.every *= 2;
		}
	}

	/**
	 * Moves to position n (0..length): restores the nearest checkpoint at or before n and replays
	 * the entries after it (or just replays forward from here when that is closer). Returns whether
	 * the state buffer was replaced (a re-layout), or an error message for a bad n.
	 */
	seek(n: number): { ok: true; moved: boolean } | { ok: false; message: string } {
		if (!Number.isInteger(n) || n < 0 || n > this.list.length)
			return {
				ok: false,
				message: `position ${String(n)} is outside the timeline (0..${this.list.length})`
			};
		let moved = false;
		if (n !== this.pos) {
			let cp: Saved = this.saved[0]!;
			for (const s of this.saved) if (s.at <= n) cp = s;
			let from = this.pos;
			if (!(this.pos <= n && this.pos >= cp.at)) {
				moved = this.sim.restore(cp.cp);
				from = cp.at;
			}
			for (let i = from; i < n; i++) this.sim.apply(this.list[i]!.action);
			this.pos = n;
		}
		return { ok: true, moved };
	}

	/** One entry back; false at the start. */
	back(): boolean {
		if (this.pos === 0) return false;
		this.seek(this.pos - 1);
		return true;
	}

	/** One entry forward through the kept future (redo); false at the end. */
	forward(): boolean {
		if (this.pos === this.list.length) return false;
		this.seek(this.pos + 1);
		return true;
	}

	/** The first position after `from` whose entry has a mark (of `kinds`), or -1. */
	nextMark(from: number, kinds?: readonly MarkKind[]): number {
		for (let p = Math.max(0, Math.floor(from)) + 1; p <= this.list.length; p++)
			if (this.hasMark(p - 1, kinds)) return p;
		return -1;
	}

	/** The last position before `from` whose entry has a mark (of `kinds`), or -1. */
	prevMark(from: number, kinds?: readonly MarkKind[]): number {
		for (let p = Math.min(this.list.length, Math.ceil(from)) - 1; p >= 1; p--)
			if (this.hasMark(p - 1, kinds)) return p;
		return -1;
	}

	private hasMark(i: number, kinds?: readonly MarkKind[]): boolean {
		const m = this.list[i]!.marks;
		if (!m.length) return false;
		return !kinds || m.some((x) => kinds.includes(x.kind));
	}
}
