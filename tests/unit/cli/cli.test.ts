// `ringlab run` (spec §3): every shipped example runs with exit 0, --json ends with the final
// state, --raw-dir writes whole sub-buffers, exit 1 on a failed expectation, 2 on a malformed file.
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { run, tmpScenario } from './run-cli';

const dir = join(__dirname, '../../../scenarios');
const examples = ['.', 'map_test', 'refusals', 'lessons'].flatMap((sub) =>
	readdirSync(join(dir, sub))
		.filter((f) => f.endsWith('.json'))
		.map((f) => join(sub, f))
);
const history = readdirSync(join(dir, 'history')).map((f) => join('history', f));

afterEach(() => vi.restoreAllMocks());

describe('ringlab run', () => {
	test('ships at least five examples', () => {
		expect(examples.length).toBeGreaterThanOrEqual(5);
	});

	test.each(examples)('runs the example %s with exit 0', (f) => {
		const r = run(['run', join(dir, f)]);
		expect(r.err).toBe('');
		expect(r.code).toBe(0);
		expect(r.out.at(-1)).toMatch(/^cpu0: ring /);
	});

	test.each(history)(
		'runs the history example %s: the race breaks an invariant, exit 1 says which',
		(f) => {
			const r = run(['run', join(dir, f)]);
			expect(r.code).toBe(1);
			expect(r.err).toMatch(/invariant "[a-z-]+" broken on CPU 0/);
			expect(r.out.join('\n')).toMatch(/WARNING: rb_end_commit with committing == 0/);
		}
	);

	test('--json prints one object per step, then the final state', () => {
		const r = run(['run', join(dir, 'reader-swap.json'), '--json']);
		const lines = r.out.map((l) => JSON.parse(l) as { final: { cpus: unknown[] } });
		expect(lines).toHaveLength(5);
		expect(lines[0]).toMatchObject({ step: 0, op: 'write', result: { ok: true } });
		expect(lines[4]!.final.cpus[0]).toMatchObject({
			reader: 1,
			counters: { entries: 11, read: 11 }
		});
	});

	test('--raw-dir drains every CPU into cpuN.raw of whole sub-buffers', () => {
		const raw = mkdtempSync(join(tmpdir(), 'ringlab-raw-'));
		const p = tmpScenario({
			ringlab: 1,
			config: { cpus: 2 },
			steps: [{ op: 'write', cpu: 1, size: 500, repeat: 20 }]
		});
		const r = run(['run', p, '--raw-dir', raw]);
		expect(r.code).toBe(0);
		expect(statSync(join(raw, 'cpu0.raw')).size).toBe(0);
		const cpu1 = readFileSync(join(raw, 'cpu1.raw'));
		expect(cpu1.length).toBe(3 * 4096);
	});

	test('exits 1 and says which field differed when an expectation fails', () => {
		const p = tmpScenario({
			ringlab: 1,
			steps: [{ op: 'write', cpu: 0, size: 8, expect: { len: 12 } }]
		});
		const r = run(['run', p]);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/expect\.len expected 12, got 16/);
	});

	test.each([
		['{ not json', /at \$: not valid JSON/],
		[{ ringlab: 2, steps: [] }, /at \$\.ringlab: must be 1/],
		[
			{ ringlab: 1, config: { cpus: 9 }, steps: [] },
			/at \$\.config\.cpus: must be between 1 and 8/
		],
		[
			{
				ringlab: 1,
				steps: [
					{ op: 'write', cpu: 0, size: 8 },
					{ op: 'write', cpu: 3, size: 8 }
				]
			},
			/at \$\.steps\[1\]\.cpu/
		],
		[
			{ ringlab: 1, steps: [{ op: 'step', ctx: 'x' }] },
			/at \$\.steps\[0\]\.ctx: no context "x"/
		],
		[
			{ ringlab: 1, steps: [{ op: 'write', cpu: 0, size: 8, expect: { ts: { $near: 1 } } }] },
			/\$near: unknown comparison/
		]
	])('exits 2 for a malformed scenario (%#) and names the JSON path', (doc, msg) => {
		const r = run(['run', tmpScenario(doc)]);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(msg);
	});

	test('exits 2 with usage for bad arguments', () => {
		expect(run([]).code).toBe(2);
		expect(run(['run']).code).toBe(2);
		expect(run(['run', 'a.json', 'b.json']).code).toBe(2);
	});
});
