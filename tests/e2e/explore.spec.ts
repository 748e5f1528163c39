// The Explore panel (issue 15 item 4): `ringlab explore` on the scenario on screen, in a Worker.
// It finds the 2014 swap race by itself with the CLI's counts, a click on the violation loads its
// schedule into the timeline at the step that warned, and Cancel stops a long search.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { explore, parseScenario } from '../../src/lib/ring';
import { LAB_OPTIONS, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

const SWAP_RACE = JSON.parse(readFileSync('scenarios/history/swap-race.json', 'utf8')) as unknown;

/** Four writers in flight on four CPUs: far more states than a test waits for. */
const BIG = {
	ringlab: 1,
	title: 'four writers on four CPUs',
	config: { cpus: 4, subbufsPerCpu: 3 },
	steps: [0, 1, 2, 3].map((cpu) => ({
		op: 'spawn',
		as: `w${cpu}`,
		cpu,
		ctx: 'task',
		do: { op: 'write', cpu, size: 16 }
	}))
};

const n = (v: number) => v.toLocaleString('en');

async function openExplore(page: Page, scenario: unknown): Promise<void> {
	const r = await page.evaluate((s) => window.ringlab!.load(s), scenario);
	expect(r.ok).toBe(true);
	await page.getByTestId('explore-button').click();
	await expect(page.getByTestId('explore-panel')).toBeVisible();
	await page.getByTestId('explore-run').click();
}

test('Explore finds the swap race with the CLI counts and steps to it', async ({ lab }) => {
	// What `ringlab explore scenarios/history/swap-race.json --json` prints (the same function).
	const cli = explore(parseScenario(SWAP_RACE));
	expect(cli.violations.length).toBeGreaterThan(0);
	await openExplore(lab, SWAP_RACE);
	await expect(lab.getByTestId('explore-schedules')).toHaveText(n(cli.schedules));
	await expect(lab.getByTestId('explore-states')).toHaveText(n(cli.states));
	await expect(lab.getByTestId('explore-ends')).toHaveText(n(cli.ends.length));
	await expect(lab.getByTestId('explore-violations')).toHaveText(n(cli.violations.length));
	await expect(lab.getByTestId('explore-status')).toContainText('every schedule was run');

	// One bar per violation (red, first), then one per end state; an end state a violation was
	// found in is red too.
	const bars = lab.getByTestId('explore-chart').locator('[data-testid^=explore-bar-]');
	await expect(bars).toHaveCount(cli.violations.length + cli.ends.length);
	const warning = lab.getByTestId('explore-bar-0');
	await expect(warning).toHaveAttribute('data-kind', 'violation');
	await expect(warning).toHaveAttribute('data-bad', 'true');
	await expect(warning).toContainText('rb_end_commit with committing == 0');
	await expect(
		lab.locator('[data-testid^=explore-bar-][data-kind=end][data-bad=true]')
	).not.toHaveCount(0);
	const counts = await lab
		.locator('[data-testid^=explore-bar-][data-kind=end]')
		.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
	expect(counts).toEqual(cli.ends.map((g) => g.count));

	// The violation's schedule, loaded at the step that warned.
	await warning.click();
	await expect(lab.getByTestId('explore-loaded')).toContainText('the step that warned');
	const moves = cli.violations[0]!.schedule.length;
	const where = lab.getByTestId('timeline-position');
	await expect(where).toHaveText(/^step (\d+) of \1$/);
	const [at] = (await where.textContent())!.match(/\d+/)!;
	expect(Number(at)).toBeGreaterThanOrEqual(moves);
	await expect(lab.getByTestId('narration')).toContainText('rb_end_commit with committing == 0');
	// The learner steps back through the schedule and forward to the warning again.
	await lab.getByTestId('control-step-back').click();
	await expect(where).toHaveText(`step ${Number(at) - 1} of ${at}`);
	await expect(lab.getByTestId('narration')).not.toContainText('rb_end_commit with committing');
	await lab.getByTestId('control-step').click();
	await expect(where).toHaveText(`step ${at} of ${at}`);
	await expect(lab.getByTestId('narration')).toContainText('rb_end_commit with committing == 0');
});

test('Cancel stops a long search and says so', async ({ lab }) => {
	await openExplore(lab, BIG);
	const progress = lab.getByTestId('explore-progress');
	await expect(progress).toContainText('states/s');
	await expect(progress.locator('progress')).toBeVisible();
	await lab.getByTestId('explore-cancel').click();
	await expect(lab.getByTestId('explore-status')).toContainText('Cancelled after');
	await expect(progress).toHaveCount(0);
	await expect(lab.getByTestId('explore-schedules')).toHaveCount(0);
	await expect(lab.getByTestId('explore-run')).toBeEnabled();
});

test('a history with nothing in flight is refused in words', async ({ lab }) => {
	await lab.getByTestId('explore-button').click();
	await lab.getByTestId('explore-run').click();
	await expect(lab.getByTestId('explore-status')).toContainText('Explore did not run:');
});

test("a broken invariant's schedule loads to the end, where the lab shows it", async ({ lab }) => {
	await openExplore(lab, SWAP_RACE);
	const bar = lab.locator('[data-testid^=explore-bar-][data-kind=violation]').nth(1);
	await expect(bar).toContainText('invariant');
	await bar.click();
	await expect(lab.getByTestId('explore-loaded')).toContainText('where its end is checked');
	await expect(lab.getByTestId('timeline-position')).toHaveText(/^step (\d+) of \1$/);
	await expect(lab.getByTestId('violations').or(lab.getByTestId('frozen')).first()).toBeVisible();
});
