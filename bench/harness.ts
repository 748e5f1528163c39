/**
 * The runner: sizes each scenario's event count once (about BENCH_MS of work), then runs
 * BENCH_ROUNDS rounds of every scenario interleaved round-robin and keeps the median events/s.
 * Measures whatever the scenarios time; prints progress on stderr (on a terminal) only.
 */
import { SIZES } from './perf-md.ts';

export type Clock = 'synthetic' | 'real';
/** (a) write path, (b) consumption, (c) producer/consumer across two threads. */
export type Part = 'a' | 'b' | 'b/c' | 'c';

interface EntryBase {
	/** Name without the payload size, used to pair scenarios into ratios ('engine-ab-synthetic'). */
	key: string;
	part: Part;
	label: string;
	payload: number;
}

export interface Scenario extends EntryBase {
	buffer: 'AB' | 'SAB' | '-';
	clock: Clock;
	/** Events of the first (warm-up) run. */
	warmup: number;
	/** Event counts are rounded to a multiple of this (e.g. whole passes over a full ring). */
	quantum?: number;
	/**
	 * Does `events` events; returns the milliseconds of the timed part, or those and how many of
	 * the events reached the consumer in that time (a lossy transport: overwrite mode).
	 */
	run(events: number): RunResult | Promise<RunResult>;
}

/** A scenario that cannot run yet; printed with its reason instead of a number. */
export interface Pending extends EntryBase {
	pending: string;
}

export type Entry = Scenario | Pending;

export type RunResult = number | { ms: number; delivered: number };

export function isScenario(e: Entry): e is Scenario {
	return 'run' in e;
}

export interface Measured {
	scenario: Scenario;
	events: number;
	/** Events per second of each round. */
	rates: number[];
	median: number;
	/** Events per second that reached the consumer, each round (lossy scenarios only). */
	delivered: number[];
	error?: string;
}

export interface Options {
	rounds: number;
	targetMs: number;
	/** Payload sizes to run (BENCH_SIZES, a subset of 16,64,256). */
	sizes: number[];
	/** Only the scenarios whose key starts with one of these (BENCH_ONLY), all when empty. */
	only: string[];
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): Options {
	const rounds = Number(env.BENCH_ROUNDS ?? 5);
	const targetMs = Number(env.BENCH_MS ?? 400);
	if (!Number.isInteger(rounds) || rounds < 1)
		throw new Error('BENCH_ROUNDS: a positive integer');
	if (!(targetMs > 0)) throw new Error('BENCH_MS: a positive number of milliseconds');
	const sizes = (env.BENCH_SIZES ?? SIZES.join(',')).split(',').map(Number);
	for (const s of sizes)
		if (!(SIZES as readonly number[]).includes(s))
			throw new Error(`BENCH_SIZES: a comma-separated subset of ${SIZES.join(',')}`);
	const only = (env.BENCH_ONLY ?? '').split(',').filter((k) => k !== '');
	return { rounds, targetMs, sizes, only };
}

export function median(xs: readonly number[]): number {
	if (xs.length === 0) return NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function roundUp(n: number, q: number): number {
	return Math.max(q, Math.ceil(n / q) * q);
}

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

/** Warm-up run, then grow the count until a run takes >= 40 ms; scale to targetMs. */
const msOf = (r: RunResult) => (typeof r === 'number' ? r : r.ms);

async function calibrate(s: Scenario, targetMs: number): Promise<number> {
	const q = s.quantum ?? 1;
	let n = roundUp(s.warmup, q);
	await s.run(n);
	for (;;) {
		const ms = msOf(await s.run(n));
		if (ms >= 40 || n >= 2 ** 31) return roundUp((n * targetMs) / Math.max(ms, 1e-3), q);
		n = roundUp(n * Math.min(16, 60 / Math.max(ms, 1e-2)), q);
	}
}

/** One status line, rewritten in place on a terminal; nothing when stderr is not a terminal. */
function progress(text: string): void {
	if (process.stderr.isTTY) process.stderr.write(`\r${text.slice(0, 78).padEnd(78)}`);
}

/** Runs every scenario: calibration, then `rounds` round-robin rounds. */
export async function runAll(entries: readonly Entry[], opt: Options): Promise<Measured[]> {
	const live = entries
		.filter(isScenario)
		.filter((e) => opt.only.length === 0 || opt.only.some((k) => e.key.startsWith(k)));
	const out: Measured[] = live.map((scenario) => ({
		scenario,
		events: 0,
		rates: [],
		median: NaN,
		delivered: []
	}));
	for (const [i, m] of out.entries()) {
		progress(`sizing ${i + 1}/${out.length}: ${m.scenario.label} (${m.scenario.payload} B)`);
		try {
			m.events = await calibrate(m.scenario, opt.targetMs);
		} catch (e) {
			m.error = message(e);
		}
	}
	for (let r = 0; r < opt.rounds; r++) {
		for (const [i, m] of out.entries()) {
			if (m.error !== undefined) continue;
			progress(`round ${r + 1}/${opt.rounds}, ${i + 1}/${out.length}: ${m.scenario.label}`);
			try {
				const r = await m.scenario.run(m.events);
				const ms = msOf(r);
				m.rates.push((m.events * 1000) / ms);
				if (typeof r !== 'number') m.delivered.push((r.delivered * 1000) / ms);
			} catch (e) {
				m.error = message(e);
			}
		}
	}
	if (process.stderr.isTTY) process.stderr.write(`\r${''.padEnd(78)}\r`);
	for (const m of out) m.median = median(m.rates);
	return out;
}
