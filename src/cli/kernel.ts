/**
 * `ringlab kernel run|diff SCENARIO` (docs/design.md, "The live kernel in the loop"): replays a
 * scenario on this machine's kernel in a private tracing instance and prints what the kernel
 * produced (run), or compares it with the engine fed the kernel's times and bytes (diff, or run
 * --compare). Exit codes: 0 ran / no difference, 1 a difference, 2 malformed scenario or bad
 * arguments, 3 no usable kernel here (one line says why), 4 the scenario cannot be replayed on a
 * live kernel (an op it cannot do, more CPUs than this machine, a ring size the kernel would not
 * give), 5 the run itself failed (the instance is removed all the same).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FormatError } from '../lib/ring';
import { parseScenario } from '../lib/session';
import { parseMeta } from '../lib/ring/meta-page';
import { compareWithEngine, formatDifference } from '../kernel/compare';
import {
	KernelUnavailable,
	NotReplayable,
	notReproduced,
	runOnKernel,
	type KernelRecord,
	type KernelStep
} from '../kernel/runner';
import { CapabilityRefused, formatProbe, probeKernel } from '../kernel/probe';
import { readInput } from './input';
import { makeDir } from './out-dir';

const USAGE = `usage: ringlab kernel run|diff FILE|- [--json] [--out DIR] [--compare]
       ringlab kernel probe [--json]`;

export const EXIT = {
	same: 0,
	differ: 1,
	malformed: 2,
	unavailable: 3,
	notReplayable: 4,
	failed: 5
};

function describeKernelStep(st: KernelStep): string {
	const parts = [`[${st.index}] ${st.op} -> ${st.ok ? 'ok' : st.errno}`];
	const writes = st.writes ?? [];
	if (writes.length > 1)
		parts.push(
			`written=${writes.filter((w) => w.ok).length} refused=${writes.filter((w) => !w.ok).length}`
		);
	if (st.pages) parts.push(`pages=${st.pages.length}${st.empty ? ' then empty' : ''}`);
	if (st.reader) parts.push(`reader.id=${st.reader.id}`);
	for (const [cpu, hex] of Object.entries(st.meta)) {
		const m = parseMeta(Buffer.from(hex, 'hex'));
		parts.push(
			`meta${cpu}: id ${m.reader.id} read ${m.reader.read} entries ${m.entries} overrun ${m.overrun} read ${m.read}`
		);
	}
	st.stats.forEach((s, c) =>
		parts.push(
			`cpu${c}: ${Object.entries(s)
				.map(([k, v]) => `${k} ${v}`)
				.join(', ')}`
		)
	);
	return parts.join(' | ');
}

/** Saves record.json, cpuN.raw (trace_pipe_raw reads) and cpuN.mapped.raw (reader sub-buffers). */
export function saveRecord(dir: string, rec: KernelRecord): void {
	const why = makeDir(dir);
	if (why) throw new Error(`--out: ${why}`);
	writeFileSync(join(dir, 'record.json'), JSON.stringify(rec) + '\n');
	for (let c = 0; c < rec.cpus; c++) {
		const read: Buffer[] = [];
		const mapped: Buffer[] = [];
		for (const st of rec.steps) {
			for (const p of st.pages ?? []) if (p.cpu === c) read.push(Buffer.from(p.hex, 'hex'));
			if (st.reader?.cpu === c) mapped.push(Buffer.from(st.reader.hex, 'hex'));
		}
		if (read.length) writeFileSync(join(dir, `cpu${c}.raw`), Buffer.concat(read));
		if (mapped.length) writeFileSync(join(dir, `cpu${c}.mapped.raw`), Buffer.concat(mapped));
	}
}

export async function kernelMain(
	argv: string[],
	out: (s: string) => void,
	err: (s: string) => void
): Promise<number> {
	const [sub, ...rest] = argv;
	if (sub === 'probe') return probeMain(rest, out, err);
	if (sub !== 'run' && sub !== 'diff') {
		err(USAGE);
		return EXIT.malformed;
	}
	let file: string | undefined;
	let json = false;
	let compare = sub === 'diff';
	let outDir: string | undefined;
	for (let i = 0; i < rest.length; i++) {
		const a = rest[i]!;
		if (a === '--json') json = true;
		else if (a === '--compare') compare = true;
		else if (a === '--out') outDir = rest[++i];
		else if (a.startsWith('--out=')) outDir = a.slice('--out='.length);
		else if (!file) file = a;
		else {
			err(`ringlab: unexpected argument ${a}\n${USAGE}`);
			return EXIT.malformed;
		}
	}
	if (!file || (rest.includes('--out') && !outDir)) {
		err(USAGE);
		return EXIT.malformed;
	}
	let scenario;
	try {
		scenario = parseScenario(readInput(file));
	} catch (e) {
		if (e instanceof FormatError) {
			err(`ringlab: malformed scenario at ${e.path}: ${e.reason}`);
			return EXIT.malformed;
		}
		err(`ringlab: cannot read ${file}: ${(e as Error).message}`);
		return EXIT.malformed;
	}
	let rec: KernelRecord;
	try {
		rec = await runOnKernel(scenario);
	} catch (e) {
		if (e instanceof CapabilityRefused) {
			err(`ringlab: skipped: ${e.message}`);
			return EXIT.unavailable;
		}
		if (e instanceof KernelUnavailable) {
			err(`ringlab: no live kernel to run on: ${e.message}`);
			return EXIT.unavailable;
		}
		if (e instanceof NotReplayable) {
			err(`ringlab: cannot replay on a live kernel: ${e.message}`);
			return EXIT.notReplayable;
		}
		const msg = (e as Error).message;
		if (/refusing to compare a different ring/.test(msg)) {
			err(`ringlab: cannot replay on this kernel: ${msg}`);
			return EXIT.notReplayable;
		}
		err(`ringlab: the kernel run failed (its instance was removed): ${msg}`);
		return EXIT.failed;
	}
	if (outDir) saveRecord(outDir, rec);
	if (!json && scenario.title) out(`# ${scenario.title} (on ${rec.kernel})`);
	if (!json) for (const n of notReproduced(scenario)) out(`# not reproduced: ${n}`);
	for (const st of rec.steps) out(json ? JSON.stringify(st) : describeKernelStep(st));
	if (!compare) return EXIT.same;
	const d = compareWithEngine(rec, scenario.config);
	if (json)
		out(
			JSON.stringify({
				differences: d.differences,
				estimated: d.estimated,
				engineSteps: d.engineSteps,
				markerRefused: d.markerRefused,
				notCompared: d.notCompared
			})
		);
	else {
		const notes = [
			`${d.engineSteps} engine steps`,
			`${d.estimated} write times estimated (events the kernel never showed)`
		];
		if (d.markerRefused) notes.push(`${d.markerRefused} writes too long for trace_marker_raw`);
		for (const n of d.notCompared) out(`# not compared: ${n}`);
		if (d.differences.length === 0) out(`no difference (${notes.join(', ')})`);
		else {
			out(`FIRST DIFFERENCE: ${formatDifference(d.differences[0]!)}`);
			if (d.differences.length > 1)
				out(`(${d.differences.length - 1} more; --json lists them all)`);
		}
	}
	return d.differences.length ? EXIT.differ : EXIT.same;
}

/** `ringlab kernel probe`: what this kernel allows, as a table (or JSON); exit 3 without a kernel. */
async function probeMain(
	args: string[],
	out: (s: string) => void,
	err: (s: string) => void
): Promise<number> {
	const json = args.includes('--json');
	const unknown = args.find((a) => a !== '--json');
	if (unknown) {
		err(`ringlab: unexpected argument ${unknown}\n${USAGE}`);
		return EXIT.malformed;
	}
	try {
		const p = await probeKernel();
		out(json ? JSON.stringify(p) : formatProbe(p));
		return EXIT.same;
	} catch (e) {
		if (e instanceof KernelUnavailable) {
			err(`ringlab: no live kernel to probe: ${e.message}`);
			return EXIT.unavailable;
		}
		err(`ringlab: the probe failed: ${(e as Error).message}`);
		return EXIT.failed;
	}
}
