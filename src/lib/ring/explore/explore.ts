/**
 * The explorer (`ringlab explore`): from a scenario whose steps end with contexts in flight, runs
 * every order of their remaining atomic steps that the nesting rules allow (an interrupting
 * writer finishes before the context it interrupted resumes; contexts on other CPUs interleave
 * freely), to the end, by depth-first search with checkpoint/restore. Declared interrupts
 * (`interrupts`) also land at every point of their target. Visited states are deduplicated by a
 * 64-bit hash of the state words (registers included) and the host's context names, so schedules
 * that converge are explored once; the number of complete schedules is counted over the graph.
 * Each end state is checked (invariants, then the scenario's tail steps and their `expect`);
 * every warning (the kernel's WARN_ON) on the way is a violation. Shortest schedules come from a
 * breadth-first pass over the recorded graph. There is no partial-order reduction.
 */
import type { Checkpoint } from '../sim/checkpoints';
import { checkInvariants } from '../invariants';
import { matchExpect } from '../expect';
import { FormatError } from '../errors';
import { runScenario, type Interrupt, type Scenario } from '../scenario';
import type { ContextInfo, Simulation, StepResult } from '../simulation';
import type { SpawnStep, Step } from '../steps';
import { hashInt, hashKey, hashStart, hashWords, keyHex, type Hash64 } from './hash';

/** One move of a schedule: an atomic step of context `ctx`, or interrupt `ctx` landing (spawn + its first step). */
export interface Move {
	ctx: string;
	interrupt?: true;
}

export type ViolationKind = 'warning' | 'invariant' | 'expect' | 'setup' | 'refused' | 'stuck';

export interface ExploreViolation {
	kind: ViolationKind;
	message: string;
	/** The shortest schedule found that shows it (moves after the setup). */
	schedule: Move[];
	/** Where it shows: on a move (a warning or refusal) or at an end state (the checks there). */
	at: 'move' | 'end';
	/** How many distinct states or transitions show it. */
	occurrences: number;
}

export interface EndGroup {
	/** The end state's hash (14 hex digits). */
	hash: string;
	/** Complete schedules that end in it. */
	count: number;
	/** The shortest schedule that reaches it. */
	schedule: Move[];
}

export interface ExploreProgress {
	states: number;
	/** Moves waiting on the search stack. */
	frontier: number;
	elapsedMs: number;
}

export interface ExploreOptions {
	/** Stop after this many distinct states (default 1,000,000). */
	maxStates?: number;
	/** Context bound: switches away from a context that could still run (default unbounded). */
	preemptions?: number;
	onProgress?: (p: ExploreProgress) => void;
	/** How often onProgress is called (default 1000 ms). */
	progressMs?: number;
}

export interface ExploreResult {
	/** Complete schedules (paths from the setup to an end state), counted over the state graph. */
	schedules: number;
	/** Distinct states visited. */
	states: number;
	/** Transitions taken (moves simulated). */
	transitions: number;
	ends: EndGroup[];
	violations: ExploreViolation[];
	/** False when a bound stopped the search before the space was covered. */
	complete: boolean;
	/** Why it is incomplete: 'max-states' or 'preemptions', or null. */
	bound: 'max-states' | 'preemptions' | null;
	/** Moves not taken because of --preemptions. */
	pruned: number;
	/** Moves on the stack, unexplored, when --max-states stopped the search. */
	frontier: number;
	/** The file's step/finish steps after its last spawn (one schedule; explore ignores them). */
	ignored: number;
	/** Steps run at every end state (after the last spawn, neither step nor finish). */
	tail: number;
	elapsedMs: number;
}

/** The parts of a scenario the explorer uses: setup, in-flight contexts' tail, interrupts. */
export interface ExploreSetup {
	setup: Step[];
	tail: Step[];
	ignored: number;
	interrupts: Interrupt[];
}

/** Splits a scenario at its last spawn; throws FormatError when nothing is left in flight. */
export function splitScenario(scenario: Scenario): ExploreSetup {
	const steps = scenario.steps;
	let last = -1;
	steps.forEach((s, i) => {
		if (s.op === 'spawn') last = i;
	});
	if (last < 0)
		throw new FormatError('$.steps', 'explore needs a spawn: no context is left in flight');
	const after = steps.slice(last + 1);
	const tail = after.filter((s) => s.op !== 'step' && s.op !== 'finish');
	return {
		setup: steps.slice(0, last + 1),
		tail,
		ignored: after.length - tail.length,
		interrupts: scenario.interrupts ?? []
	};
}

interface Frame {
	id: number;
	key: number;
	/** Where to come back to before each move after the first (none with one move). */
	cp: Checkpoint | null;
	moves: number[];
	/** The contexts that could take their next step here (for --preemptions). */
	enabled: ReadonlySet<string>;
	i: number;
	last: number;
	used: number;
	landed: number;
}

interface Pending {
	kind: ViolationKind;
	message: string;
	state: number;
	/** The move whose step warned (-1: the state itself). */
	edge: number;
}

function bare(step: Step): Step {
	const rest = { ...step };
	delete rest.expect;
	return rest;
}

/** The spawn step that makes interrupt `irq` arrive. */
export function interruptSpawn(irq: Interrupt): SpawnStep {
	return { op: 'spawn', as: irq.as, cpu: irq.cpu, ctx: irq.ctx, do: irq.do };
}

function stateHash(
	sim: Simulation,
	ctxs: readonly ContextInfo[],
	landed: number,
	idOf: (name: string) => number
): Hash64 {
	const h = hashStart();
	hashWords(h, sim.ring.i32);
	for (const c of ctxs) hashInt(h, idOf(c.name));
	hashInt(h, landed);
	return h;
}

/**
 * The hash explore gives the end state `sim` is in (every context finished, all `interrupts`
 * landed), as in EndGroup.hash: to tell whether a schedule run another way ends where explore did.
 */
export function endStateHash(sim: Simulation, interrupts = 0): string {
	return keyHex(hashKey(stateHash(sim, sim.contexts(), (1 << interrupts) - 1, () => 0)));
}

class Explorer {
	private readonly visited = new Map<number, number>();
	private readonly onStack = new Set<number>();
	private readonly edgeFrom: number[] = [];
	private readonly edgeTo: number[] = [];
	private readonly edgeMove: number[] = [];
	private readonly postorder: number[] = [];
	private readonly endKey = new Map<number, number>();
	private readonly pending: Pending[] = [];
	/** Moves by id: context names, then interrupts (offset by ctxNames.length). */
	private readonly names: string[] = [];
	private readonly nameId = new Map<string, number>();
	private stack: Frame[] = [];
	private transitions = 0;
	private pruned = 0;
	private bound: ExploreResult['bound'] = null;
	private readonly t0 = Date.now();
	private lastProgress = this.t0;

	constructor(
		private readonly sim: Simulation,
		private readonly split: ExploreSetup,
		private readonly opts: ExploreOptions
	) {
		for (const c of sim.contexts()) this.idOf(c.name);
		for (const irq of split.interrupts) this.idOf(irq.as);
	}

	private idOf(name: string): number {
		let id = this.nameId.get(name);
		if (id === undefined) {
			id = this.names.length;
			this.names.push(name);
			this.nameId.set(name, id);
		}
		return id;
	}

	/** The state's key: its words, the names in flight, the interrupts landed, the bound's state. */
	private keyOf(ctxs: ContextInfo[], landed: number, last: number, used: number): number {
		const h = stateHash(this.sim, ctxs, landed, (name) => this.idOf(name));
		if (this.opts.preemptions !== undefined) {
			hashInt(h, last);
			hashInt(h, used);
		}
		return hashKey(h);
	}

	/** Move ids: n (< names.length) steps context n; names.length + i lands interrupt i. */
	private movesOf(ctxs: ContextInfo[], landed: number, last: number, used: number) {
		const enabled = new Set(ctxs.filter((c) => c.blocked === null).map((c) => c.name));
		const moves: number[] = [];
		const K = this.opts.preemptions;
		const lastName = last >= 0 ? this.names[last]! : null;
		for (const c of ctxs) {
			if (c.blocked !== null) continue;
			const id = this.idOf(c.name);
			const preempts = lastName !== null && id !== last && enabled.has(lastName);
			if (K !== undefined && preempts && used >= K) {
				this.pruned++;
				this.bound ??= 'preemptions';
				continue;
			}
			moves.push(id);
		}
		this.split.interrupts.forEach((irq, i) => {
			if (!(landed & (1 << i)) && enabled.has(irq.during)) moves.push(this.names.length + i);
		});
		return { moves, done: ctxs.length === 0, enabled };
	}

	private progress(): void {
		const now = Date.now();
		if (!this.opts.onProgress || now - this.lastProgress < (this.opts.progressMs ?? 1000))
			return;
		this.lastProgress = now;
		this.opts.onProgress({
			states: this.visited.size,
			frontier: this.frontier(),
			elapsedMs: now - this.t0
		});
	}

	private frontier(): number {
		return this.stack.reduce((n, f) => n + f.moves.length - f.i, 0);
	}

	/** Takes move m; returns its results (an interrupt: its spawn and its first step). */
	private take(m: number): StepResult[] {
		const n = this.names.length;
		if (m < n) return [this.sim.apply({ op: 'step', ctx: this.names[m]! })];
		const irq = this.split.interrupts[m - n]!;
		const spawned = this.sim.apply(interruptSpawn(irq));
		if (!spawned.ok) return [spawned];
		return [spawned, this.sim.apply({ op: 'step', ctx: irq.as })];
	}

	/** A new state: an end state is checked, a state with moves gets a frame. */
	private enter(
		key: number,
		ctxs: ContextInfo[],
		landed: number,
		last: number,
		used: number
	): void {
		const id = this.visited.size;
		this.visited.set(key, id);
		const { moves, done, enabled } = this.movesOf(ctxs, landed, last, used);
		if (moves.length > 0) {
			this.onStack.add(key);
			this.stack.push({
				id,
				key,
				cp: moves.length > 1 ? this.sim.checkpoint() : null,
				moves,
				enabled,
				i: 0,
				last,
				used,
				landed
			});
			return;
		}
		this.postorder.push(id);
		const allLanded = landed === (1 << this.split.interrupts.length) - 1;
		if (done && allLanded) this.checkEnd(id, key);
		else if (!done && enabled.size === 0)
			this.pending.push({
				kind: 'stuck',
				message: `contexts in flight and none can run: ${ctxs.map((c) => c.name).join(', ')}`,
				state: id,
				edge: -1
			});
	}

	/** An end state: invariants, then the tail steps with their expectations. */
	private checkEnd(id: number, key: number): void {
		this.endKey.set(id, key);
		for (const v of checkInvariants(this.sim.ring))
			this.pending.push({
				kind: 'invariant',
				message: `invariant "${v.invariant}" broken on CPU ${v.cpu}: ${v.message}`,
				state: id,
				edge: -1
			});
		this.split.tail.forEach((step, i) => {
			const res = this.sim.apply(bare(step));
			for (const w of res.warnings)
				this.pending.push({ kind: 'warning', message: w.message, state: id, edge: -1 });
			const mm = step.expect ? matchExpect(step.expect, res) : [];
			if (mm.length) {
				const m = mm[0]!;
				this.pending.push({
					kind: 'expect',
					message: `tail step ${i} (${step.op}): ${m.path} expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`,
					state: id,
					edge: -1
				});
			}
		});
	}

	run(): ExploreResult {
		const max = this.opts.maxStates ?? 1_000_000;
		const ctxs = this.sim.contexts();
		this.enter(this.keyOf(ctxs, 0, -1, 0), ctxs, 0, -1, 0);
		while (this.stack.length) {
			const f = this.stack[this.stack.length - 1]!;
			if (f.i >= f.moves.length) {
				this.stack.pop();
				this.onStack.delete(f.key);
				this.postorder.push(f.id);
				continue;
			}
			if (this.visited.size >= max) {
				this.bound = 'max-states';
				break;
			}
			if (f.i > 0) this.sim.restore(f.cp!);
			const m = f.moves[f.i++]!;
			this.step(f, m);
			this.progress();
		}
		const frontier = this.frontier();
		for (let i = this.stack.length - 1; i >= 0; i--) this.postorder.push(this.stack[i]!.id);
		return this.result(frontier);
	}

	private step(f: Frame, m: number): void {
		const n = this.names.length;
		const preempts = m < n && f.last >= 0 && m !== f.last && f.enabled.has(this.names[f.last]!);
		const results = this.take(m);
		this.transitions++;
		const last = m < n ? m : this.idOf(this.split.interrupts[m - n]!.as);
		const landed = m < n ? f.landed : f.landed | (1 << (m - n));
		const used = f.used + (preempts ? 1 : 0);
		if (m >= n && !results[results.length - 1]!.ok) return; // it cannot land here
		const ctxs = this.sim.contexts();
		const key = this.keyOf(ctxs, landed, last, used);
		const seen = this.visited.get(key);
		if (seen !== undefined && this.onStack.has(key)) return; // a spin back to the same state
		const to = seen ?? this.visited.size;
		const edge = this.edgeFrom.length;
		this.edgeFrom.push(f.id);
		this.edgeTo.push(to);
		this.edgeMove.push(m);
		for (const r of results) {
			if (!r.ok)
				this.pending.push({
					kind: 'refused',
					message: `${r.errno}: ${r.message}`,
					state: f.id,
					edge
				});
			for (const w of r.warnings)
				this.pending.push({ kind: 'warning', message: w.message, state: f.id, edge });
		}
		if (seen === undefined) this.enter(key, ctxs, landed, last, used);
	}

	private moveOf(m: number): Move {
		const n = this.names.length;
		return m < n
			? { ctx: this.names[m]! }
			: { ctx: this.split.interrupts[m - n]!.as, interrupt: true };
	}

	/** Breadth-first over the recorded graph: the shortest path's last edge into each state. */
	private shortestParents(adj: number[][]): Int32Array {
		const parent = new Int32Array(this.visited.size).fill(-2);
		parent[0] = -1;
		const queue = [0];
		for (let q = 0; q < queue.length; q++)
			for (const e of adj[queue[q]!]!) {
				const t = this.edgeTo[e]!;
				if (parent[t] !== -2) continue;
				parent[t] = e;
				queue.push(t);
			}
		return parent;
	}

	private result(frontier: number): ExploreResult {
		const states = this.visited.size;
		const adj: number[][] = Array.from({ length: states }, () => []);
		this.edgeFrom.forEach((from, e) => adj[from]!.push(e));
		const parent = this.shortestParents(adj);
		const pathTo = (s: number): Move[] => {
			const out: Move[] = [];
			for (let e = parent[s]!; e >= 0; e = parent[this.edgeFrom[e]!]!)
				out.push(this.moveOf(this.edgeMove[e]!));
			return out.reverse();
		};
		// Schedules into each state: in topological order (reverse postorder) over the edges.
		const into = new Float64Array(states);
		into[0] = 1;
		for (let i = this.postorder.length - 1; i >= 0; i--) {
			const s = this.postorder[i]!;
			for (const e of adj[s]!) into[this.edgeTo[e]!]! += into[s]!;
		}
		const ends: EndGroup[] = [...this.endKey].map(([s, key]) => ({
			hash: keyHex(key),
			count: into[s]!,
			schedule: pathTo(s)
		}));
		ends.sort((a, b) => b.count - a.count || a.schedule.length - b.schedule.length);
		const byWhat = new Map<string, ExploreViolation>();
		for (const p of this.pending) {
			const schedule =
				p.edge >= 0
					? [...pathTo(p.state), this.moveOf(this.edgeMove[p.edge]!)]
					: pathTo(p.state);
			const id = `${p.kind}\n${p.message}`;
			const old = byWhat.get(id);
			const at = p.edge >= 0 ? 'move' : 'end';
			if (!old)
				byWhat.set(id, { kind: p.kind, message: p.message, schedule, at, occurrences: 1 });
			else {
				old.occurrences++;
				if (schedule.length < old.schedule.length) old.schedule = schedule;
			}
		}
		return {
			schedules: ends.reduce((n, g) => n + g.count, 0),
			states,
			transitions: this.transitions,
			ends,
			violations: [...byWhat.values()],
			complete: this.bound === null,
			bound: this.bound,
			pruned: this.pruned,
			frontier,
			ignored: this.split.ignored,
			tail: this.split.tail.length,
			elapsedMs: Date.now() - this.t0
		};
	}
}

/**
 * Explores every schedule of the contexts a scenario leaves in flight. Throws FormatError when the
 * scenario has no spawn, or an interrupt names a context that is not in flight after it. A setup that fails (an expectation or invariant before the last spawn)
 * is reported as one violation with an empty schedule.
 */
export function explore(scenario: Scenario, opts: ExploreOptions = {}): ExploreResult {
	const split = splitScenario(scenario);
	const run = runScenario({ ...scenario, steps: split.setup });
	if (!run.ok)
		return {
			schedules: 0,
			states: 0,
			transitions: 0,
			ends: [],
			violations: [
				{ kind: 'setup', message: run.failure!, schedule: [], at: 'end', occurrences: 1 }
			],
			complete: true,
			bound: null,
			pruned: 0,
			frontier: 0,
			ignored: split.ignored,
			tail: split.tail.length,
			elapsedMs: 0
		};
	const inFlight = new Set(run.sim.contexts().map((c) => c.name));
	split.interrupts.forEach((irq, i) => {
		if (!inFlight.has(irq.during))
			throw new FormatError(
				`$.interrupts[${i}].during`,
				`"${irq.during}" is not in flight after the last spawn (nor an earlier interrupt)`
			);
		inFlight.add(irq.as);
	});
	return new Explorer(run.sim, split, opts).run();
}
