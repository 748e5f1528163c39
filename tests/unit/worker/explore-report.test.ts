import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explore, parseScenario, runScenario } from '../../../src/lib/ring';
import { exploreReport } from '../../../src/lib/worker/explore-report';

const race = parseScenario(JSON.parse(readFileSync('scenarios/history/swap-race.json', 'utf8')));

describe("exploreReport: the Explore panel's view of an explore run", () => {
	const result = explore(race);
	const report = exploreReport(race, result);

	it('has the CLI counts', () => {
		expect(report).toMatchObject({
			schedules: result.schedules,
			states: result.states,
			ends: result.ends.length,
			violations: result.violations.length,
			complete: true
		});
	});

	it('has a red bar per violation, first, then a bar per end state with its count', () => {
		const bars = report.bars;
		expect(bars.length).toBe(result.violations.length + result.ends.length);
		const v = bars.slice(0, result.violations.length);
		expect(v.every((b) => b.kind === 'violation' && b.bad)).toBe(true);
		expect(bars.slice(v.length).map((b) => b.count)).toEqual(result.ends.map((g) => g.count));
		// The end state where the invariants broke is red; the others are not all red.
		const ends = bars.slice(v.length);
		expect(ends.some((b) => b.bad)).toBe(true);
		expect(ends.some((b) => !b.bad)).toBe(true);
	});

	it("loads a warning's schedule to the step that warned, without --out's expectation", () => {
		const bar = report.bars.find((b) => b.violation === 'warning')!;
		const run = runScenario(bar.scenario);
		expect(run.ok).toBe(true);
		const last = run.outcomes.at(-1)!;
		expect(JSON.stringify(last)).toContain('rb_end_commit with committing == 0');
	});

	it("replays an end state's schedule to the end explore found", () => {
		for (const bar of report.bars.filter((b) => b.kind === 'end' && !b.bad))
			expect(runScenario(bar.scenario).ok).toBe(true);
	});
});
