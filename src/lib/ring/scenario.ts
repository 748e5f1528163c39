/**
 * Scenarios (spec §2): parse and validate a scenario document (errors name a JSON path), run it on
 * a Simulation, check every step's `expect`, and check the invariants after every step. The CLI,
 * the page, lessons and tests all go through `runScenario`, so they agree by construction.
 * The engine reads the machine and its steps; fields it does not run (the lesson) are validated by
 * the layer that adds them (src/lib/session/scenario.ts), through `parseScenario`'s `extra`.
 */
import { validateConfig, type RingConfig } from './config';
import { FormatError } from './errors';
import { checkDepth, checkScenarioObject, checkScenarioText } from './input-bounds';
import { checkExpectShape, matchExpect, type Mismatch } from './expect';
import { checkInvariants, type Violation } from './invariants';
import { Simulation, type StepRecord, type StepResult } from './simulation';
import { validateStep, type SpawnStep, type Step } from './steps';
import type { RingState } from './describe';

export interface Scenario {
	ringlab: 1;
	title?: string;
	description?: string;
	config: RingConfig;
	steps: Step[];
	/** Interrupts `ringlab explore` lands at every point of a named context (run ignores them). */
	interrupts?: Interrupt[];
}

/** An interrupt that may arrive at any point of the context `during`: a spawn step plus its target. */
export type Interrupt = Omit<SpawnStep, 'op'> & { during: string };

/**
 * Validators for top-level fields the engine does not run, by name: each gets the field's value
 * and the number of steps, and returns what to keep or throws FormatError with a JSON path.
 */
export type ExtraFields<X> = { [K in keyof X]-?: (raw: unknown, steps: number) => X[K] };

export interface StepOutcome {
	index: number;
	step: Step;
	result: StepResult;
	mismatches: Mismatch[];
	violations: Violation[];
}

export interface ScenarioRun {
	ok: boolean;
	outcomes: StepOutcome[];
	final: RingState;
	/** Why the run stopped early or failed, in plain words. */
	failure: string | null;
	sim: Simulation;
}

const TOP_KEYS = new Set(['ringlab', 'title', 'description', 'config', 'steps', 'interrupts']);

/** `interrupts`: each a spawn (as, cpu, ctx, do) plus `during`, a context the steps spawn. */
function validateInterrupts(raw: unknown, config: RingConfig, names: Set<string>): Interrupt[] {
	if (!Array.isArray(raw)) throw new FormatError('$.interrupts', 'must be an array');
	return raw.map((r, i) => {
		const path = `$.interrupts[${i}]`;
		if (typeof r !== 'object' || r === null || Array.isArray(r))
			throw new FormatError(path, 'must be an object');
		const { during, ...spawn } = r as Record<string, unknown>;
		if (typeof during !== 'string' || !names.has(during))
			throw new FormatError(`${path}.during`, 'must name a context the steps spawn');
		const step = validateStep({ ...spawn, op: 'spawn' }, path, config) as SpawnStep;
		if (names.has(step.as)) throw new FormatError(`${path}.as`, 'is already a context name');
		names.add(step.as);
		return { as: step.as, cpu: step.cpu, ctx: step.ctx, do: step.do, during };
	});
}

/**
 * Parses JSON text or an object into a validated scenario; throws FormatError with a JSON path.
 * `extra` names the other top-level fields allowed, each with its validator (run after the steps);
 * any other field is refused.
 */
export function parseScenario<X extends object = object>(
	input: unknown,
	extra?: ExtraFields<X>
): Scenario & Partial<X> {
	let doc = input;
	if (typeof input === 'string') {
		checkScenarioText(input);
		try {
			doc = JSON.parse(input);
		} catch (e) {
			throw new FormatError('$', `not valid JSON (${(e as Error).message})`);
		}
	}
	if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
		throw new FormatError('$', 'a scenario must be a JSON object');
	checkDepth(doc);
	if (typeof input !== 'string') checkScenarioObject(doc);
	const d = doc as Record<string, unknown>;
	for (const k of Object.keys(d))
		if (!TOP_KEYS.has(k) && !(extra && Object.hasOwn(extra, k)))
			throw new FormatError(`$.${k}`, 'is not a scenario field');
	if (d.ringlab !== 1) throw new FormatError('$.ringlab', 'must be 1 (the format version)');
	if (d.title !== undefined && typeof d.title !== 'string')
		throw new FormatError('$.title', 'must be a string');
	if (d.description !== undefined && typeof d.description !== 'string')
		throw new FormatError('$.description', 'must be a string');
	const config = validateConfig(d.config);
	if (!Array.isArray(d.steps)) throw new FormatError('$.steps', 'must be an array');
	const names = new Set<string>();
	const steps = d.steps.map((raw, i) => {
		const path = `$.steps[${i}]`;
		const step = validateStep(raw, path, config);
		if (step.expect) {
			const err = checkExpectShape(step.expect, `${path}.expect`);
			if (err) throw err;
		}
		if (step.op === 'spawn') names.add(step.as);
		if ((step.op === 'step' || step.op === 'finish') && !names.has(step.ctx))
			throw new FormatError(
				`${path}.ctx`,
				`no context "${step.ctx}" is spawned before this step`
			);
		return step;
	});
	const scenario: Scenario & Record<string, unknown> = {
		ringlab: 1,
		...(d.title !== undefined ? { title: d.title } : {}),
		...(d.description !== undefined ? { description: d.description } : {}),
		config,
		steps
	};
	if (d.interrupts !== undefined)
		scenario.interrupts = validateInterrupts(d.interrupts, config, names);
	const checks: Record<string, (raw: unknown, steps: number) => unknown> = extra ?? {};
	for (const [k, check] of Object.entries(checks))
		if (d[k] !== undefined) scenario[k] = check(d[k], steps.length);
	return scenario as Scenario & Partial<X>;
}

export interface RunOptions {
	/** Called after every step with its outcome (the CLI prints as it goes). */
	onOutcome?: (o: StepOutcome) => void;
	/** Called for every atomic step a context takes. */
	onStep?: (r: StepRecord) => void;
	/** Check invariants after every step (default true). */
	invariants?: boolean;
	/** Check that refused steps leave the state byte-identical (default true). */
	refusals?: boolean;
}

/**
 * The largest state whose bytes are compared around every step to check that a refusal changed
 * nothing. The engine refuses before it mutates (each op checks first, resize checks the state
 * bound before removing pages); this comparison verifies it and costs a copy of the whole state,
 * so above 4 MiB (no shipped scenario or test comes near) a step costs only what it touches.
 */
export const REFUSAL_CHECK_MAX_BYTES = 4 * 1024 * 1024;

// The header words (clock, fault counters, sequence numbers) are not compared.
const HEADER_BYTES = 48 * 4 + 8 * 8;

/**
 * A refusal leaves the state exactly as it was, except where the kernel itself changes something
 * on the way to the error: a write that is dropped (counted in dropped_events or commit_overrun,
 * the page padded), a context step, and the first-mmap failure on 6.10 (resize_disabled leaks).
 */
function refusalMustNotChange(step: Step, errno: string | undefined, config: RingConfig): boolean {
	if (step.op === 'write' || step.op === 'step' || step.op === 'finish') return false;
	if (step.op === 'map' && config.kernel === '6.10' && errno !== 'EACCES') return false;
	return true;
}

function sameBytes(a: Uint8Array, b: Uint8Array, from: number): boolean {
	if (a.length !== b.length) return false;
	for (let i = from; i < a.length; i++) if (a[i] !== b[i]) return false;
	return true;
}

/**
 * The CPUs whose buffers a step can change (their invariants are checked after it), or null for
 * all: a step costs what it touches, not what the whole state holds. Contexts (spawn, step,
 * finish), snapshots, order changes and the rest count as touching every CPU.
 */
export function cpusTouched(step: Step): number[] | null {
	switch (step.op) {
		case 'clock':
			return [];
		case 'write':
		case 'consume':
		case 'readPage':
		case 'reset':
		case 'map':
		case 'getReader':
			return [step.cpu];
		case 'resize':
			return step.cpu === 'all' ? null : [step.cpu];
		default:
			return null;
	}
}

/** Runs a parsed scenario to its end, or to the first failed expectation or broken invariant. */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): ScenarioRun {
	const sim = new Simulation(scenario.config);
	if (opts.onStep) sim.onStep = opts.onStep;
	const outcomes: StepOutcome[] = [];
	let failure: string | null = null;
	for (let i = 0; i < scenario.steps.length; i++) {
		const step = scenario.steps[i]!;
		const { expect, ...bare } = step;
		const before =
			opts.refusals === false || sim.ring.buf.byteLength > REFUSAL_CHECK_MAX_BYTES
				? null
				: new Uint8Array(sim.ring.buf.slice(0));
		const result = sim.apply(bare);
		if (before && !result.ok && refusalMustNotChange(step, result.errno, scenario.config)) {
			const after = new Uint8Array(sim.ring.buf);
			if (!sameBytes(before, after, HEADER_BYTES))
				failure ??= `step ${i} (${step.op}): refused with ${result.errno} but changed the state`;
		}
		const mismatches = expect ? matchExpect(expect, result) : [];
		const violations =
			opts.invariants === false ? [] : checkInvariants(sim.ring, cpusTouched(step));
		const o: StepOutcome = { index: i, step, result, mismatches, violations };
		outcomes.push(o);
		opts.onOutcome?.(o);
		if (failure) break;
		if (mismatches.length) {
			const m = mismatches[0]!;
			failure = `step ${i} (${step.op}): ${m.path} expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`;
			break;
		}
		if (violations.length) {
			const v = violations[0]!;
			failure = `step ${i} (${step.op}): invariant "${v.invariant}" broken on CPU ${v.cpu}: ${v.message}`;
			break;
		}
	}
	return { ok: failure === null, outcomes, final: sim.state(), failure, sim };
}
