// Issue 14, items 2 and 3: window.ringlab rejects what it cannot do, with a message that says why
// (docs/spec.md §4 lists each), keeps a scenario's `expect` for run(), and idle() means idle: the
// URL's lesson is loaded, the Lessons menu is filled, nothing moves.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

type Method = 'seek' | 'step' | 'back' | 'load' | 'run';

/** What window.ringlab[fn](...args) settles to: its value, or the message it rejected with. */
async function outcome(
	page: Page,
	fn: Method,
	...args: unknown[]
): Promise<{ resolved: unknown } | { rejected: string }> {
	return page.evaluate(
		async ([fn, args]) => {
			try {
				const api = window.ringlab as unknown as Record<
					Method,
					(...a: unknown[]) => Promise<unknown>
				>;
				return { resolved: await api[fn](...args) };
			} catch (e) {
				return { rejected: e instanceof Error ? e.message : `not an Error: ${String(e)}` };
			}
		},
		[fn, args] as const
	);
}

/** The timeline position a call resolved with. */
function at(o: { resolved: unknown } | { rejected: string }): number | string {
	return 'resolved' in o ? (o.resolved as { position: number }).position : o.rejected;
}

test('seek, step and back reject bad input and impossible moves with the reason', async ({
	lab
}) => {
	await press(lab, 'Write', 3);
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 3 of 3');
	const cases: [Method, unknown[], string][] = [
		['seek', [-1], 'seek(-1): position -1 is outside the timeline (0..3)'],
		['seek', [999], 'seek(999): position 999 is outside the timeline (0..3)'],
		['seek', ['x'], 'seek("x"): the position must be a whole number from 0 to 3, not a string'],
		['seek', [1.5], 'seek(1.5): the position must be a whole number from 0 to 3, not 1.5'],
		[
			'step',
			['nope'],
			'step("nope"): there is no context "nope" in flight at step 3 (in flight: none)'
		],
		[
			'step',
			[7],
			'step(7): the context must be the name of a context in flight (a string such as "task1"), not a number'
		],
		[
			'step',
			[],
			'step(): nothing to step: step 3 is the end of the timeline and no context is in flight (spawn one, or seek back)'
		]
	];
	for (const [fn, args, message] of cases) {
		expect(await outcome(lab, fn, ...args), message).toEqual({ rejected: message });
		await expect(lab.getByTestId('timeline-position')).toHaveText('step 3 of 3');
	}
	expect(at(await outcome(lab, 'seek', 0))).toBe(0);
	expect(await outcome(lab, 'back')).toEqual({
		rejected: 'back(): already at step 0, the start of the timeline'
	});
	expect(at(await outcome(lab, 'step'))).toBe(1);
});

test('step() at a lesson question rejects: the lesson waits for a prediction', async ({ page }) => {
	await page.goto('/?lesson=1-reader-page-swap');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	// walk to the question the way a learner does
	for (let i = 0; i < 50 && (await page.getByTestId('lesson-question').count()) === 0; i++)
		expect(at(await outcome(page, 'step'))).toBe(i + 1);
	await expect(page.getByTestId('lesson-question')).toBeVisible();
	const here = await page.getByTestId('timeline-position').textContent();
	const n = /step (\d+) of/.exec(here!)![1];
	expect(await outcome(page, 'step')).toEqual({
		rejected: `step(): the lesson asks a question at step ${n}: answer it on the page, or seek() past it (Predict first: choose an answer and check it.)`
	});
	await expect(page.getByTestId('timeline-position')).toHaveText(here!);
});

test('load() rejects a malformed scenario; run() rejects when an expectation fails, as the CLI exits 1', async ({
	lab
}) => {
	expect(await outcome(lab, 'load', { ringlab: 1, steps: [{ op: 'fly' }] })).toEqual({
		rejected: expect.stringMatching(
			/^load\(\): the scenario is malformed at \$\.steps\[0\]\.op/
		)
	});
	const failing = {
		ringlab: 1,
		config: { cpus: 1 },
		steps: [
			{ op: 'write', cpu: 0, size: 8, expect: { ok: true } },
			{ op: 'write', cpu: 0, size: 8, expect: { len: 999 } }
		]
	};
	const loaded = await lab.evaluate((s) => window.ringlab!.load(s), failing);
	expect(loaded).toMatchObject({ ok: true, length: 2 });
	expect(await outcome(lab, 'run')).toEqual({
		rejected:
			"run(): the scenario's expectations failed (ringlab run exits 1 on it): step 1 (write): expect.len expected 999, got 16"
	});
	// the same scenario with a true expectation runs to its final state
	failing.steps[1]!.expect = { len: 16 };
	await lab.evaluate((s) => window.ringlab!.load(s), failing);
	const final = await lab.evaluate(() => window.ringlab!.run());
	expect(final.cpus[0]!.counters.entries).toBe(2);
});

test('idle means the URL lesson is loaded and the Lessons menu filled; a seek right after it holds', async ({
	page
}) => {
	await page.goto('/?lesson=4-head-push-triple-nest');
	await page.waitForFunction(() => window.ringlab !== undefined);
	await page.evaluate(() => window.ringlab!.idle());
	// read at once, not retried: at idle the lesson is already there
	expect(await page.getByTestId('lesson').count()).toBe(1);
	expect(await page.locator('body').getAttribute('data-engine')).toBe('idle');
	const where = await page.getByTestId('timeline-position').textContent();
	expect(where).toMatch(/^step 0 of (\d{2,})$/);
	expect(
		await page.getByRole('combobox', { name: 'Lesson', exact: true }).locator('option').count()
	).toBeGreaterThan(9);
	const after = await page.evaluate(() => window.ringlab!.seek(25).then((t) => t.position));
	expect(after).toBe(25);
	await page.evaluate(() => window.ringlab!.idle());
	expect(await page.getByTestId('timeline-position').textContent()).toMatch(/^step 25 of /);
});
