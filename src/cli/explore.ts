/**
 * `ringlab explore FILE|- [--max-states N] [--preemptions K] [--out FILE] [--json]` (spec §3): runs
 * every schedule of the contexts the scenario leaves in flight (src/lib/ring/explore) and prints
 * the counts, the end states and every violation with its shortest schedule. Exit 0 when no
 * violation was found and the space was covered, 1 when a violation was found, 2 for a malformed
 * scenario or bad arguments, 3 when a bound stopped the search first (the coverage is printed).
 */
import { writeFileSync } from 'node:fs';
import {
	describeSchedule,
	explore,
	FormatError,
	splitScenario,
	violationScenario,
	type ExploreResult,
	type ExploreViolation
} from '../lib/ring';
import { loadScenario } from './load';

const USAGE =
	'usage: ringlab explore FILE|- [--max-states N] [--preemptions K] [--out FILE] [--json]';

interface Args {
	file: string;
	maxStates?: number;
	preemptions?: number;
	out?: string;
	json: boolean;
}

/** The arguments, or the reason they are wrong. */
function parseArgs(argv: string[]): Args | string {
	let file: string | undefined;
	const args: Partial<Args> = { json: false };
	const int = (v: string | undefined, min: number, name: string): number | string => {
		const n = Number(v);
		return v !== undefined && /^\d+$/.test(v) && n >= min && Number.isSafeInteger(n)
			? n
			: `${name} needs an integer >= ${min}`;
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i]!;
		const [flag, inline] = a.startsWith('--') && a.includes('=') ? a.split(/=(.*)/s) : [a];
		const value = () => inline ?? argv[++i];
		if (flag === '--json') args.json = true;
		else if (flag === '--out') {
			args.out = value();
			if (!args.out) return '--out needs a file name';
		} else if (flag === '--max-states' || flag === '--preemptions') {
			const n = int(value(), flag === '--max-states' ? 1 : 0, flag);
			if (typeof n === 'string') return n;
			if (flag === '--max-states') args.maxStates = n;
			else args.preemptions = n;
		} else if (!file && (a === '-' || !a.startsWith('-'))) file = a;
		else return `unexpected argument ${a}`;
	}
	if (!file) return 'a scenario file is needed';
	return { ...args, file } as Args;
}

/** The violation --out writes: one `ringlab run` replays (not a stuck end), the shortest. */
function replayable(r: ExploreResult): ExploreViolation | undefined {
	return r.violations
		.filter((v) => v.kind === 'warning' || v.kind === 'invariant' || v.kind === 'expect')
		.sort((a, b) => a.schedule.length - b.schedule.length)[0];
}

/** The result's counts, for the first JSON line: the lists become their lengths. */
function counts(r: ExploreResult) {
	const perSecond = r.elapsedMs > 0 ? Math.round((r.states * 1000) / r.elapsedMs) : null;
	return {
		...r,
		ends: r.ends.length,
		violations: r.violations.length,
		statesPerSecond: perSecond
	};
}

function printText(r: ExploreResult, out: (s: string) => void): void {
	const c = counts(r);
	out(
		`explored: ${r.schedules} schedules, ${r.states} distinct states, ${r.transitions} transitions, ` +
			`${r.ends.length} distinct end states (${r.elapsedMs} ms${c.statesPerSecond !== null ? `, ${c.statesPerSecond} states/s` : ''})`
	);
	if (r.ignored)
		out(
			`ignored: ${r.ignored} step/finish steps after the last spawn (the file's one schedule)`
		);
	if (r.tail) out(`checked at every end state: ${r.tail} tail steps and their expectations`);
	for (const g of r.ends)
		out(
			`end ${g.hash}: ${g.count} schedule${g.count === 1 ? '' : 's'}, e.g. ${describeSchedule(g.schedule)}`
		);
	for (const v of r.violations)
		out(
			`VIOLATION ${v.kind}: ${v.message} (${v.occurrences}x)\n  shortest schedule (${v.schedule.length} moves): ${describeSchedule(v.schedule)}`
		);
	if (!r.violations.length) out('no violation');
	if (r.bound === 'max-states')
		out(
			`bound hit: --max-states stopped the search after ${r.states} states with ${r.frontier} moves left on the stack; the counts cover only what was reached`
		);
	if (r.bound === 'preemptions')
		out(
			`bound hit: --preemptions ${c.pruned ? `pruned ${r.pruned} moves` : ''}; schedules with more preemptions were not explored`
		);
}

export function exploreMain(
	argv: string[],
	out: (s: string) => void,
	err: (s: string) => void
): number {
	const args = parseArgs(argv);
	if (typeof args === 'string') {
		err(`ringlab explore: ${args}\n${USAGE}`);
		return 2;
	}
	const scenario = loadScenario(args.file, err);
	if (!scenario) return 2;
	let result: ExploreResult;
	try {
		result = explore(scenario, {
			...(args.maxStates !== undefined ? { maxStates: args.maxStates } : {}),
			...(args.preemptions !== undefined ? { preemptions: args.preemptions } : {}),
			onProgress: (p) =>
				err(
					`explore: ${p.states} states, ${Math.round((p.states * 1000) / p.elapsedMs)} states/s, frontier ${p.frontier}`
				)
		});
	} catch (e) {
		if (e instanceof FormatError) {
			err(`ringlab: malformed scenario at ${e.path}: ${e.reason}`);
			return 2;
		}
		throw e;
	}
	if (args.json) {
		out(JSON.stringify({ explore: counts(result) }));
		for (const g of result.ends) out(JSON.stringify({ end: g }));
		for (const v of result.violations) out(JSON.stringify({ violation: v }));
	} else {
		if (scenario.title) out(`# ${scenario.title}`);
		printText(result, out);
	}
	if (args.out) {
		const v = replayable(result);
		if (!v) err('ringlab explore: --out: no violation to write');
		else
			try {
				const doc = violationScenario(scenario, splitScenario(scenario), v);
				writeFileSync(args.out, JSON.stringify(doc, null, '\t') + '\n');
			} catch (e) {
				err(`ringlab explore: --out: cannot write ${args.out}: ${(e as Error).message}`);
				return 2;
			}
	}
	if (result.violations.length) return 1;
	return result.complete ? 0 : 3;
}
