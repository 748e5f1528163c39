// Lessons (issue 6): every lesson runs to its end on the page, through its question, and each
// lesson's scenario gives the same final state through the CLI (`ringlab run --json`) and through
// the page (window.ringlab.load + run). The page's answer to the question comes from the engine.
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

for (const slug of slugs) {
	test(`lesson ${slug} runs to its end: narration, a prediction, the engine's verdict`, async ({
		page
	}) => {
		await page.emulateMedia({ reducedMotion: 'reduce' });
		await page.goto(`/?lesson=${slug}`);
		await idle(page);
		const lesson = page.getByTestId('lesson');
		await expect(lesson).toBeVisible();
		await expect(page.getByTestId('timeline-position')).toHaveText(/^step 0 of \d+$/);
		// step to the question: Step waits there for a prediction
		for (let i = 0; i < 400 && (await page.getByTestId('lesson-question').count()) === 0; i++) {
			await button(page, 'Step').click();
			await idle(page);
		}
		const question = page.getByTestId('lesson-question');
		await expect(question).toBeVisible();
		await expect(button(page, 'Step')).toBeDisabled();
		await question.getByRole('radio').first().check();
		await button(page, 'Check my prediction').click();
		await idle(page);
		await expect(page.getByTestId('lesson-verdict')).toContainText(/Right\.|Not this time\./);
		// exactly one choice is the engine's
		await expect(question.locator('label.right')).toHaveCount(1);
		for (let i = 0; i < 400 && (await page.getByTestId('lesson-end').count()) === 0; i++) {
			if (await button(page, 'Step').isDisabled()) break;
			await button(page, 'Step').click();
			await idle(page);
		}
		const pos = await page.getByTestId('timeline-position').textContent();
		const [, at, of] = /step (\d+) of (\d+)/.exec(pos!)!;
		expect(at).toBe(of);
		await expect(page.getByTestId('lesson-end')).toBeVisible();
		if (slug === '4-head-push-triple-nest')
			await page.screenshot({ path: 'test-results/lesson-end.png', fullPage: false });
	});
}
