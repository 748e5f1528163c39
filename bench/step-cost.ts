/**
 * A plain step's cost against the state's size (issue #17): the median time of one scenario step
 * (a clock step and a 64-byte write, through runScenario as the CLI runs them: apply, expect,
 * invariants) at state sizes from 64 KiB to 128 MiB, and the ratio to the smallest. Flat is the
 * goal: a step should cost what it touches, not what the state holds. Env: BENCH_STEP_ROUNDS (5).
 */
import { parseScenario, runScenario } from '../src/lib/ring/index.ts';

const CONFIGS = [
	{ label: '1 CPU x 4', config: { cpus: 1, subbufsPerCpu: 4 } },
	{ label: '1 CPU x 1024', config: { cpus: 1, subbufsPerCpu: 1024 } },
	{ label: '8 CPUs x 1024', config: { cpus: 8, subbufsPerCpu: 1024 } },
	{ label: '8 CPUs x 4000', config: { cpus: 8, subbufsPerCpu: 4000 } }
];
const STEPS = 2000;

function perStepUs(config: Record<string, unknown>): { us: number; bytes: number } {
	const steps = Array.from({ length: STEPS }, (_, i) =>
		i % 2 ? { op: 'clock', advanceNs: 10 } : { op: 'write', cpu: 0, size: 64 }
	);
	const s = parseScenario({ ringlab: 1, config, steps });
	const t0 = performance.now();
	const run = runScenario(s);
	const ms = performance.now() - t0;
	return { us: (ms * 1000) / STEPS, bytes: run.sim.ring.buf.byteLength };
}

export function stepCostBench(): string {
	const rounds = Number(process.env.BENCH_STEP_ROUNDS || 5);
	const rows = CONFIGS.map(({ label, config }) => {
		const us: number[] = [];
		let bytes = 0;
		for (let r = 0; r < rounds; r++) {
			const m = perStepUs(config);
			us.push(m.us);
			bytes = m.bytes;
		}
		us.sort((a, b) => a - b);
		return { label, bytes, median: us[Math.floor(us.length / 2)]! };
	});
	const base = rows[0]!.median;
	const lines = rows.map(
		(r) =>
			`  ${r.label.padEnd(14)} state ${(r.bytes / 2 ** 20).toFixed(2).padStart(7)} MiB: ${r.median.toFixed(1).padStart(7)} us/step  ${(r.median / base).toFixed(2)}x the smallest`
	);
	return [
		`Step cost against state size (runScenario, write and clock steps, median of ${rounds}; flat is the goal):`,
		...lines
	].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(stepCostBench());
