// `ringlab run --trace-dat` read back by Debian's trace-cmd (spec §3): for scenarios of
// scenarios/, `trace-cmd report` prints, CPU by CPU, the same events (id and text of the payload),
// time stamps and lost counts as `ringlab run` prints when the same run is drained with readPage
// steps. Skipped, saying why, where trace-cmd is not installed (scripts/test.sh installs it).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { main } from '../../../src/cli/main';

const TRACE_CMD = spawnSync('trace-cmd', ['--version'], { encoding: 'utf8' });
const missing = TRACE_CMD.error ? 'trace-cmd is not installed (apt-get install trace-cmd)' : null;
if (missing) console.warn(`round-trip tests skipped: ${missing}`);

// Scenarios that leave events in the buffer: two lab examples and the kbuffer ones (losses with
// and without a stored count, every record size, 8 KiB sub-buffers, time extends).
const SCENARIOS = [
	'scenarios/overwrite-loss.json',
	'scenarios/producer-consumer.json',
	...['admin', 'overwrite-loss', 'producer-consumer', 'sizes', 'subbuf-8k', 'time-extends'].map(
		(n) => `tests/kbuffer/scenarios/${n}.json`
	),
	'tests/unit/tracedat/lost-counted.json'
];

/**
 * One event as both sides print it: CPU, time stamp in ns, events lost before it (`unknown` when
 * the sub-buffer had no room to store the count: trace-cmd prints `[EVENTS DROPPED]`), payload id
 * and text.
 */
interface Ev {
	cpu: number;
	ts: bigint;
	lost: number | 'unknown';
	id: number;
	text: string;
}

const ns = (s: string, frac: string) => BigInt(s) * 1_000_000_000n + BigInt(frac.padEnd(9, '0'));

function runCli(args: string[]): string[] {
	const out: string[] = [];
	const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
	const code = main(args, (s) => out.push(s));
	spy.mockRestore();
	expect(code).toBe(0);
	return out;
}

/** ringlab run's lines for the drain steps: `CPU:N [LOST M EVENTS]` and trace_pipe-style events. */
function ringlabEvents(lines: string[]): Ev[] {
	const evs: Ev[] = [];
	const lost = new Map<number, number>();
	for (const l of lines) {
		let m = /^CPU:(\d+) \[LOST (\d+) EVENTS\]$/.exec(l);
		if (m) {
			lost.set(Number(m[1]), (lost.get(Number(m[1])) ?? 0) + Number(m[2]));
			continue;
		}
		m = /^ {2}ringlab-0 \[(\d+)\] \.{5} (\d+)\.(\d{9}): \d+ bytes ([0-9a-f]*)$/.exec(l);
		if (!m) continue;
		const cpu = Number(m[1]);
		const bytes = Buffer.from(m[4]!, 'hex');
		const rest = bytes.subarray(4);
		const nul = rest.indexOf(0);
		evs.push({
			cpu,
			ts: ns(m[2]!, m[3]!),
			lost: lost.get(cpu) ?? 0,
			id: bytes.length >= 4 ? bytes.readUInt32LE(0) : -1,
			text: rest.subarray(0, nul < 0 ? rest.length : nul).toString('latin1')
		});
		lost.delete(cpu);
	}
	return evs;
}

/** `trace-cmd report -t` lines: `CPU:N [M EVENTS DROPPED]` and `<idle>-0 [CPU] S.NS: payload: id:N TEXT`. */
function traceCmdEvents(text: string): Ev[] {
	const evs: Ev[] = [];
	const lost = new Map<number, number | 'unknown'>();
	for (const l of text.split('\n')) {
		let m = /^CPU:(\d+) \[(\d+ )?EVENTS DROPPED\]$/.exec(l);
		if (m) {
			lost.set(Number(m[1]), m[2] ? Number(m[2]) : 'unknown');
			continue;
		}
		m = /^\s*\S+ +\[(\d+)\] +(\d+)\.(\d{9}): payload: +id:(\d+) (.*)$/.exec(l);
		if (!m) continue;
		const cpu = Number(m[1]);
		evs.push({
			cpu,
			ts: ns(m[2]!, m[3]!),
			lost: lost.get(cpu) ?? 0,
			id: Number(m[4]),
			text: m[5]!
		});
		lost.delete(cpu);
	}
	return evs;
}

const byCpu = (evs: Ev[]) => [...evs].sort((a, b) => a.cpu - b.cpu); // stable: keeps each CPU's order

describe.skipIf(missing)('trace-cmd report of ringlab run --trace-dat', () => {
	test.each(SCENARIOS)('%s: same events, time stamps and lost counts', (name) => {
		const dir = mkdtempSync(join(tmpdir(), 'ringlab-dat-'));
		const file = join(__dirname, '../../..', name);
		const dat = join(dir, 'out.dat');
		runCli(['run', file, '--trace-dat', dat]);
		// The same run drained with readPage steps prints what the file holds.
		const doc = JSON.parse(readFileSync(file, 'utf8')) as {
			config?: { cpus?: number };
			steps: unknown[];
		};
		const cpus: number = doc.config?.cpus ?? 1;
		const drain = Array.from({ length: cpus }, (_, cpu) =>
			Array.from({ length: 40 }, () => ({ op: 'readPage', cpu }))
		).flat();
		const drained = join(dir, 'drained.json');
		writeFileSync(drained, JSON.stringify({ ...doc, steps: [...doc.steps, ...drain] }));
		const lines = runCli(['run', drained]);
		const first = lines.findIndex((l) => l.startsWith(`[${doc.steps.length}] `));
		const expected = ringlabEvents(lines.slice(first));
		const report = execFileSync('trace-cmd', ['report', '-t', dat], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'pipe']
		});
		const got = traceCmdEvents(report);
		expect(expected.length).toBeGreaterThan(0);
		// A loss trace-cmd could not count is one ringlab counted but the page had no room for.
		for (const [i, e] of got.entries())
			if (e.lost === 'unknown' && Number(expected[i]?.lost) > 0 && expected[i]!.cpu === e.cpu)
				expected[i]!.lost = 'unknown';
		expect(byCpu(got)).toEqual(byCpu(expected));
		if (name.endsWith('lost-counted.json')) expect(got[0]!.lost).toBe(4);
	});
});
