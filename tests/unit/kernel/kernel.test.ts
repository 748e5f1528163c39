// The live kernel in the loop (issue #7): every scenario under scenarios/kernel/ replayed on this
// machine's kernel in a private tracing instance finds no difference with the engine fed the
// kernel's times and bytes; a failure halfway (an exception, SIGINT) still removes the instance.
// Where the kernel cannot be used (not Linux, not root, no tracefs, older than 6.10) the kernel
// tests say so in one line and are skipped; the engine-only checks always run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseScenario, runScenario } from '../../../src/lib/ring';
import { compareWithEngine, formatDifference } from '../../../src/kernel/compare';
import { kernelScenarioArb } from '../../../src/kernel/random-scenario';
import { runOnKernel } from '../../../src/kernel/runner';
import fc from 'fast-check';
import { onlineCpus, ownInstances, unavailableReason } from '../../../src/kernel/tracefs';

const root = join(__dirname, '../../..');
const dir = join(root, 'scenarios/kernel');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (f: string) => parseScenario(readFileSync(join(dir, f), 'utf8'));

const why = unavailableReason();
if (why) console.log(`kernel tests skipped: ${why}`);
const live = why ? describe.skip : describe;

describe('kernel scenarios on the engine alone', () => {
	test('there are at least eight, and each runs with no invariant broken', () => {
		expect(files.length).toBeGreaterThanOrEqual(8);
		for (const f of files) {
			const run = runScenario(load(f));
			expect(run.failure, f).toBeNull();
		}
	});
});

live('the live kernel and the engine agree', () => {
	for (const f of files)
		// A scenario for more CPUs than this machine has cannot run here (exit 4): skipped.
		test.skipIf(load(f).config.cpus > onlineCpus())(f, { timeout: 20_000 }, async () => {
			const s = load(f);
			const rec = await runOnKernel(s);
			const d = compareWithEngine(rec, s.config);
			expect(d.differences.map(formatDifference).slice(0, 3)).toEqual([]);
			// The comparison compared something: every write was replayed, pages were read.
			expect(d.engineSteps).toBeGreaterThan(s.steps.length);
			expect(ownInstances()).toEqual([]);
		});
});

live('random scenarios agree too', () => {
	// A fixed seed, so a failure replays; the scenario is printed in the failure message.
	test('12 random scenarios (seed 7)', { timeout: 30_000 }, async () => {
		for (const s of fc.sample(kernelScenarioArb, { numRuns: 12, seed: 7 })) {
			if (s.config.cpus > onlineCpus()) continue;
			const rec = await runOnKernel(s);
			const d = compareWithEngine(rec, s.config);
			expect(
				d.differences.map(formatDifference).slice(0, 1),
				JSON.stringify(s.steps)
			).toEqual([]);
		}
		expect(ownInstances()).toEqual([]);
	});
});

live('the runner always removes its instance', () => {
	test('an exception at step 3 removes the instance', { timeout: 20_000 }, async () => {
		const s = load('map-get-reader.json');
		let seen: string[] = [];
		await expect(
			runOnKernel(s, {
				beforeStep: (i) => {
					if (i === 3) {
						seen = ownInstances();
						throw new Error('injected failure');
					}
				}
			})
		).rejects.toThrow('injected failure');
		expect(seen).toHaveLength(1); // it existed, mapped, while the run was halfway
		expect(ownInstances()).toEqual([]);
	});

	test(
		'RINGLAB_KERNEL_FAIL_AT and SIGINT mid-run remove the instance',
		{ timeout: 30_000 },
		async () => {
			// Mapped, then a 2 s sleep: the signal lands while the instance is busy, however slow
			// the machine is.
			const scenario = join(mkdtempSync(join(tmpdir(), 'ringlab-kernel-')), 'slow.json');
			writeFileSync(
				scenario,
				JSON.stringify({
					ringlab: 1,
					config: { kernel: '6.12' },
					steps: [
						{ op: 'write', cpu: 0, size: 100, repeat: 5 },
						{ op: 'map', cpu: 0, as: 'm' },
						{ op: 'getReader', cpu: 0 },
						{ op: 'clock', advanceNs: 2_000_000_000 },
						{ op: 'unmap', map: 'm' }
					]
				})
			);
			const runCli = (env: Record<string, string>, interrupt: boolean) =>
				new Promise<{
					code: number | null;
					signal: string | null;
					pid: number;
					stderr: string;
					seen: boolean;
				}>((resolve) => {
					const child = spawn(
						process.execPath,
						[join(root, 'bin/ringlab.js'), 'kernel', 'run', scenario],
						{ env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }
					);
					const pid = child.pid!;
					let seen = false;
					let stderr = '';
					child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
					const poll = setInterval(() => {
						if (ownInstances(pid).length) {
							seen = true;
							if (interrupt) child.kill('SIGINT');
						}
					}, 20);
					child.on('exit', (code, signal) => {
						clearInterval(poll);
						resolve({ code, signal, pid, seen, stderr });
					});
				});
			const failed = await runCli({ RINGLAB_KERNEL_FAIL_AT: '3' }, false);
			expect(failed.code, failed.stderr).toBe(5);
			expect(ownInstances(failed.pid)).toEqual([]);
			const interrupted = await runCli({}, true);
			expect(interrupted.seen).toBe(true);
			expect(interrupted.code).toBe(130);
			expect(ownInstances(interrupted.pid)).toEqual([]);
		}
	);
});
