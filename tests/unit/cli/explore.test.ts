// `ringlab explore` (spec §3): exit 0 when every schedule is clean, 1 with a violation whose --out
// scenario `ringlab run` replays to the same failure (exit 1), 2 for a malformed file or bad
// arguments, 3 when --max-states stops the search first; --json prints JSON lines.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { run, tmpScenario } from './run-cli';

const swapRace = join(__dirname, '../../../scenarios/history/swap-race.json');
const tmp = () => mkdtempSync(join(tmpdir(), 'ringlab-explore-'));

const merged = (): object => {
	const doc = JSON.parse(readFileSync(swapRace, 'utf8')) as { config: object };
	return { ...doc, config: { ...doc.config, history: [] } };
};

interface Line {
	explore?: { states: number; complete: boolean; ends: number };
	end?: object;
	violation?: { kind: string; schedule: unknown[] };
}

afterEach(() => vi.restoreAllMocks());

describe('ringlab explore', () => {
	test('the swap race: exit 1, the warning and its schedule; --out replays to it', () => {
		const out = join(tmp(), 'race.json');
		const r = run(['explore', swapRace, '--out', out]);
		expect(r.code).toBe(1);
		expect(r.out.join('\n')).toMatch(
			/VIOLATION warning: rb_end_commit with committing == 0[^\n]*\n {2}shortest schedule/
		);
		const replay = run(['run', out]);
		expect(replay.code).toBe(1);
		expect(replay.out.join('\n')).toMatch(/WARNING: rb_end_commit with committing == 0/);
		expect(replay.err).toMatch(/expect\.warnings expected \[\]/);
	});

	test('the kernel as merged: every schedule explored, no violation, exit 0', () => {
		const r = run(['explore', tmpScenario(merged())]);
		expect(r.err).toBe('');
		expect(r.code).toBe(0);
		expect(r.out.join('\n')).toMatch(/explored: \d+ schedules, \d+ distinct states/);
		expect(r.out).toContain('no violation');
	});

	test.each(['swap-race-merged.json', 'nested-interrupts.json'])(
		'scenarios/explore/%s: explored fully with no violation (exit 0), and runs (exit 0)',
		(f) => {
			const file = join(__dirname, '../../../scenarios/explore', f);
			const r = run(['explore', file]);
			expect(r.code).toBe(0);
			expect(r.out).toContain('no violation');
			expect(run(['run', file]).code).toBe(0);
		}
	);

	test('--json prints JSON lines: the counts, the end states, the violations', () => {
		const r = run(['explore', swapRace, '--json']);
		expect(r.code).toBe(1);
		const lines = r.out.map((l) => JSON.parse(l) as Line);
		const counts = lines[0]!.explore!;
		expect(counts.states).toBeGreaterThan(0);
		expect(counts.complete).toBe(true);
		expect(lines.filter((l) => l.end).length).toBe(counts.ends);
		const v = lines.find((l) => l.violation)!.violation!;
		expect(v.kind).toBe('warning');
		expect(v.schedule.length).toBeGreaterThan(0);
	});

	test('--max-states: the bound is hit before the space is covered, exit 3', () => {
		const r = run(['explore', tmpScenario(merged()), '--max-states', '10']);
		expect(r.code).toBe(3);
		expect(r.out.join('\n')).toMatch(
			/bound hit: --max-states stopped the search after 10 states/
		);
	});

	test.each([
		['not JSON', '{'],
		['no spawn', { ringlab: 1, config: {}, steps: [{ op: 'write', cpu: 0, size: 8 }] }],
		[
			'an interrupt during an unknown context',
			{
				ringlab: 1,
				config: {},
				steps: [
					{
						op: 'spawn',
						as: 't',
						cpu: 0,
						ctx: 'task',
						do: { op: 'write', cpu: 0, size: 8 }
					}
				],
				interrupts: [
					{
						as: 'i',
						cpu: 0,
						ctx: 'irq',
						do: { op: 'write', cpu: 0, size: 8 },
						during: 'x'
					}
				]
			}
		]
	])('malformed (%s): exit 2', (_what, doc) => {
		const r = run(['explore', tmpScenario(doc)]);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(/malformed scenario at \$/);
	});

	test.each([[['--max-states', '0']], [['--preemptions', 'x']], [['--bogus']], [[]]])(
		'bad arguments %j: exit 2',
		(args) => {
			const r = run(['explore', ...(args.length ? [swapRace, ...args] : [])]);
			expect(r.code).toBe(2);
			expect(r.err).toMatch(/usage: ringlab explore/);
		}
	);
});
