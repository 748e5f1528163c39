/**
 * Explore's speed (issue #15): distinct states per second against the limit of a stateful explorer
 * on this layout, which is restoring one state and hashing it (every state explore visits costs at
 * least that). Both measured in the same run on the same setup; medians of BENCH_EXPLORE_ROUNDS (5).
 * The goal is explore >= 0.5x (restore + hash). Also prints each setup's full exploration time and
 * state count (the swap race, and three nested writers: task, IRQ during it, NMI during the IRQ).
 */
import { readFileSync } from 'node:fs';
import { explore, splitScenario } from '../src/lib/ring/explore/index.ts';
import { hashInt, hashKey, hashStart, hashWords } from '../src/lib/ring/explore/hash.ts';
import { parseScenario, runScenario } from '../src/lib/ring/index.ts';

const SETUPS = [
	{ label: 'swap race (history on)', file: 'scenarios/history/swap-race.json' },
	{ label: 'task + IRQ + NMI writers', file: 'scenarios/explore/nested-interrupts.json' }
];

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
}

/** Restores one checkpoint of the setup's state and hashes it, `n` times: per second. */
function restoreHashRate(file: string, n: number): { perS: number; bytes: number } {
	const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
	const run = runScenario({ ...scenario, steps: splitScenario(scenario).setup });
	const sim = run.sim;
	const cp = sim.checkpoint();
	let sink = 0;
	const t0 = performance.now();
	for (let i = 0; i < n; i++) {
		sim.restore(cp);
		const h = hashStart();
		hashWords(h, sim.ring.i32);
		hashInt(h, i & 3);
		sink ^= hashKey(h);
	}
	const ms = performance.now() - t0;
	if (sink === 0.5) console.log(sink); // keep the loop
	return { perS: (n * 1000) / ms, bytes: sim.ring.buf.byteLength };
}

export function exploreBench(): string {
	const rounds = Number(process.env.BENCH_EXPLORE_ROUNDS || 5);
	const lines = SETUPS.map(({ label, file }) => {
		const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
		const ms: number[] = [];
		const rates: number[] = [];
		const base: number[] = [];
		let states = 0;
		let schedules = 0;
		let violations = 0;
		let bytes = 0;
		for (let r = 0; r < rounds; r++) {
			const t0 = performance.now();
			const res = explore(scenario);
			const elapsed = performance.now() - t0;
			ms.push(elapsed);
			states = res.states;
			schedules = res.schedules;
			violations = res.violations.length;
			rates.push((res.states * 1000) / elapsed);
			const b = restoreHashRate(file, Math.max(2000, res.states));
			base.push(b.perS);
			bytes = b.bytes;
		}
		const ratio = median(rates) / median(base);
		return (
			`  ${label.padEnd(26)} state ${(bytes / 1024).toFixed(0).padStart(5)} KiB: ` +
			`${states} states, ${schedules.toLocaleString('en')} schedules, ${violations} violations in ` +
			`${median(ms).toFixed(0)} ms; ${median(rates).toFixed(0)} states/s vs restore+hash ` +
			`${median(base).toFixed(0)}/s = ${ratio.toFixed(2)}x (goal >= 0.5)`
		);
	});
	return [`Explore (median of ${rounds}, whole exploration each round):`, ...lines].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(exploreBench());
