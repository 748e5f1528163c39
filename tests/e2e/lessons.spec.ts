// Lessons (issue 6, issue 14 item 11): every lesson runs to its end on the page, through every
// prediction, and each lesson's scenario gives the same final state through the CLI
// (`ringlab run --json`) and through the page (window.ringlab.load + run). The page's answer to
// each prediction comes from the engine. A lesson remembers how far the learner got, and works
// when the browser denies storage.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { RingState } from '../../src/lib/ring';
import { LAB_OPTIONS, button, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

const dir = join(import.meta.dirname, '../../scenarios/lessons');
const slugs = readdirSync(dir)
	.filter((f) => f.endsWith('.json'))
	.map((f) => f.replace(/\.json$/, ''))
	.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

/** The CLI's final state for a lesson (exit 1 is a scenario that breaks an invariant on purpose). */
function cliFinal(slug: string): RingState {
	let out: string;
	try {
		out = execFileSync('node', ['bin/ringlab.js', 'run', join(dir, `${slug}.json`), '--json'], {
			encoding: 'utf8'
		});
	} catch (e) {
		out = (e as { stdout: string }).stdout;
	}
	const last = out.trim().split('\n').at(-1)!;
	return (JSON.parse(last) as { final: RingState }).final;
}

async function idle(page: Page) {
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
}

test('every lesson gives the same final state through the CLI and through the page', async ({
	lab
}) => {
	test.setTimeout(120_000);
	for (const slug of slugs) {
		const scenario: unknown = JSON.parse(readFileSync(join(dir, `${slug}.json`), 'utf8'));
		const loaded = await lab.evaluate((s) => window.ringlab!.load(s), scenario);
		expect(loaded, slug).toMatchObject({ ok: true });
		const page = await lab.evaluate(() => window.ringlab!.run());
		expect(page, slug).toEqual(cliFinal(slug));
	}
});

/**
 * Steps through the lesson from where it is to its end, answering each prediction with its first
 * choice as shown; returns how many predictions were answered.
 */
async function runLesson(page: Page): Promise<number> {
	let predictions = 0;
	for (let i = 0; i < 400 && (await page.getByTestId('lesson-end').count()) === 0; i++) {
		const check = button(page, 'Check my prediction');
		if (await check.count()) {
			// Step waits for the prediction
			await expect(button(page, 'Step')).toBeDisabled();
			const open = page.getByTestId('lesson-question').filter({ has: check });
			const k = await open.getAttribute('data-question');
			await open.getByRole('radio').first().check();
			await check.click();
			await idle(page);
			// the answered prediction shows the engine's verdict, and exactly one choice is its
			const done = page.locator(`[data-testid="lesson-question"][data-question="${k}"]`);
			await expect(done.getByTestId('lesson-verdict')).toContainText(
				/Right\.|Not this time\./
			);
			await expect(done.locator('label.right')).toHaveCount(1);
			predictions++;
			continue;
		}
		if (await button(page, 'Step').isDisabled()) break;
		await button(page, 'Step').click();
		await idle(page);
		await expect(page.getByTestId('lesson-narration')).not.toBeEmpty();
	}
	return predictions;
}

for (const slug of slugs) {
	test(`lesson ${slug} runs to its end: narration, predictions, the engine's verdicts`, async ({
		page
	}) => {
		await page.emulateMedia({ reducedMotion: 'reduce' });
		await page.goto(`/?lesson=${slug}`);
		await idle(page);
		const lesson = page.getByTestId('lesson');
		await expect(lesson).toBeVisible();
		await expect(page.getByTestId('timeline-position')).toHaveText(/^step 0 of \d+$/);
		expect(await runLesson(page)).toBeGreaterThanOrEqual(2);
		const pos = await page.getByTestId('timeline-position').textContent();
		const [, at, of] = /step (\d+) of (\d+)/.exec(pos!)!;
		expect(at).toBe(of);
		await expect(page.getByTestId('lesson-end')).toBeVisible();
		if (slug === '4-head-push-triple-nest')
			await page.screenshot({ path: 'test-results/lesson-end.png', fullPage: false });
	});
}

test('a lesson remembers how far the learner got and offers to continue', async ({ page }) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto('/?lesson=1-reader-page-swap');
	await idle(page);
	await expect(page.getByTestId('lesson-resume')).toHaveCount(0);
	// step to the first prediction, answer it, then one step more
	const check = button(page, 'Check my prediction');
	for (let i = 0; i < 50 && (await check.count()) === 0; i++) {
		await button(page, 'Step').click();
		await idle(page);
	}
	const question = page.getByTestId('lesson-question');
	await question.getByRole('radio').nth(1).check();
	const picked = await question.locator('label').nth(1).textContent();
	await check.click();
	await idle(page);
	await button(page, 'Step').click();
	await idle(page);
	const here = (await page.getByTestId('timeline-position').textContent())!;
	const n = /step (\d+) of/.exec(here)![1];
	expect(Number(n)).toBeGreaterThan(1);
	await page.goto('/?lesson=1-reader-page-swap');
	await idle(page);
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 0 of \d+$/);
	const resume = page.getByTestId('lesson-resume');
	await expect(resume).toContainText(`You got to step ${n} of`);
	await resume.getByRole('button', { name: 'Continue' }).click();
	await idle(page);
	await expect(page.getByTestId('timeline-position')).toHaveText(here);
	// the answer given is remembered with it
	await button(page, 'Step back').click();
	await idle(page);
	await expect(question.getByRole('radio', { checked: true })).toHaveCount(1);
	await expect(question.locator('label:has(input:checked)')).toHaveText(picked!.trim());
	await expect(page.getByTestId('lesson-verdict')).toBeVisible();
});

test('with storage denied, a lesson works and remembers nothing', async ({ page }) => {
	await page.addInitScript(() => {
		const deny = () => {
			throw new DOMException('storage is denied', 'SecurityError');
		};
		Storage.prototype.getItem = deny;
		Storage.prototype.setItem = deny;
	});
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto('/?lesson=7a-snapshot-swap');
	await idle(page);
	expect(await runLesson(page)).toBeGreaterThanOrEqual(2);
	await page.goto('/?lesson=7a-snapshot-swap');
	await idle(page);
	await expect(page.getByTestId('lesson')).toBeVisible();
	await expect(page.getByTestId('lesson-resume')).toHaveCount(0);
});
