/**
 * `ringlab run FILE|-` (spec §3): runs a scenario, one line per step, or JSON lines with --json;
 * --raw-dir DIR drains each CPU with page reads into DIR/cpuN.raw (trace_pipe_raw bytes).
 * Exit 0 when every expectation held, 1 when one failed or an invariant broke, 2 for a malformed
 * scenario or bad arguments. `ringlab explore` is in explore.ts, `ringlab kernel ...` in kernel.ts
 * (it is asynchronous).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runScenario, type Simulation } from '../lib/ring';
import { exploreMain } from './explore';
import { formatOutcome } from './format-step';
import { loadScenario } from './load';
import { makeDir } from './out-dir';
import { kernelMain } from './kernel';
import { drainedSubbufSize, drainSubbufs, encodeTraceDat } from '../lib/tracedat';

const USAGE = `usage: ringlab run FILE|- [--json] [--raw-dir DIR] [--trace-dat OUT.dat]
       ringlab explore FILE|- [--max-states N] [--preemptions K] [--out FILE] [--json]
       ringlab kernel run|diff FILE|- [--json] [--out DIR] [--compare]`;

/** `ringlab ...`: `run` answers at once, `kernel` returns a promise of its exit code. */
export function cli(
	argv: string[],
	out: (s: string) => void = (s) => process.stdout.write(s + '\n')
): number | Promise<number> {
	if (argv[0] === 'kernel')
		return kernelMain(argv.slice(1), out, (s) => process.stderr.write(s + '\n'));
	return main(argv, out);
}

/** Drains CPU c with trace_pipe_raw-style page reads; returns the concatenated sub-buffers. */
export function drainRaw(sim: Simulation, cpu: number): Buffer {
	const pages: Buffer[] = [];
	for (;;) {
		const r = sim.apply({ op: 'readPage', cpu });
		if (!r.ok || typeof r.page !== 'string') break;
		pages.push(Buffer.from(r.page, 'hex'));
	}
	return Buffer.concat(pages);
}

export function main(
	argv: string[],
	out: (s: string) => void = (s) => process.stdout.write(s + '\n')
): number {
	const err = (s: string) => process.stderr.write(s + '\n');
	const [cmd, ...rest] = argv;
	if (cmd === 'explore') return exploreMain(rest, out, err);
	if (cmd !== 'run') {
		err(USAGE);
		return 2;
	}
	let file: string | undefined;
	let json = false;
	let rawDir: string | undefined;
	let traceDat: string | undefined;
	for (let i = 0; i < rest.length; i++) {
		const a = rest[i]!;
		if (a === '--json') json = true;
		else if (a === '--raw-dir') rawDir = rest[++i];
		else if (a.startsWith('--raw-dir=')) rawDir = a.slice('--raw-dir='.length);
		else if (a === '--trace-dat') traceDat = rest[++i];
		else if (a.startsWith('--trace-dat=')) traceDat = a.slice('--trace-dat='.length);
		else if (!file) file = a;
		else {
			err(`ringlab: unexpected argument ${a}\n${USAGE}`);
			return 2;
		}
	}
	if (
		!file ||
		(rest.includes('--raw-dir') && !rawDir) ||
		(rest.includes('--trace-dat') && !traceDat)
	) {
		err(USAGE);
		return 2;
	}
	if (rawDir) {
		const why = makeDir(rawDir);
		if (why) {
			err(`ringlab: --raw-dir: ${why}`);
			return 2;
		}
	}
	const scenario = loadScenario(file, err);
	if (!scenario) return 2;
	if (!json && scenario.title) out(`# ${scenario.title}`);
	const run = runScenario(scenario, {
		onOutcome: (o) => {
			if (json)
				out(
					JSON.stringify({
						step: o.index,
						op: o.step.op,
						result: o.result,
						mismatches: o.mismatches,
						violations: o.violations
					})
				);
			else for (const l of formatOutcome(o)) out(l);
		}
	});
	if (json) out(JSON.stringify({ final: run.final }));
	else {
		for (const c of run.final.cpus)
			out(
				`cpu${c.cpu}: ring ${c.ring.join(' ')} | head ${c.head} tail ${c.tail} commit ${c.commit} reader ${c.reader} | ` +
					Object.entries(c.counters)
						.map(([k, v]) => `${k} ${v}`)
						.join(', ')
			);
	}
	if (rawDir || traceDat) {
		// One drain serves both: reading consumes.
		const cpus = Array.from({ length: run.sim.config.cpus }, (_, c) =>
			drainSubbufs(run.sim, c)
		);
		if (rawDir)
			for (const [c, pages] of cpus.entries())
				writeFileSync(join(rawDir, `cpu${c}.raw`), Buffer.concat(pages));
		if (traceDat) {
			const subbufSize = drainedSubbufSize(run.sim, cpus);
			try {
				writeFileSync(traceDat, encodeTraceDat({ subbufSize, cpus }));
			} catch (e) {
				err(`ringlab: --trace-dat: cannot write ${traceDat}: ${(e as Error).message}`);
				return 2;
			}
		}
	}
	if (!run.ok) {
		err(`ringlab: ${run.failure}`);
		return 1;
	}
	return 0;
}
