// Presenter mode for a room (issue 13): only the stage, the time bar and the narration; the
// drawing's text scaled with the screen; a clicker's keys; leaving and restarting ask first.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

const idle = (page: Page) => expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
const position = (page: Page) => page.getByTestId('timeline-position');

async function openPresenter(page: Page, steps: number): Promise<void> {
	await page.goto('/?lesson=3-nested-writers-commit&present=1');
	await expect(page.getByTestId('lesson')).toBeVisible();
	await idle(page);
	for (let i = 0; i < steps; i++) {
		await page.keyboard.press('PageDown');
		await idle(page);
	}
	await expect(position(page)).toHaveText(new RegExp(`^step ${steps} of`));
}

/**
 * The rendered size, CSS pixels, of the drawing's text of CPU 0's ring: the page IDs (or page
 * numbers), the fill and the pointer names, each as its font size times the drawing's scale and
 * as the height of its box on screen.
 */
async function drawingTextSizes(page: Page) {
	return page.getByTestId('ring-cpu-0').evaluate((svg) => {
		const scale = (svg as SVGSVGElement).getScreenCTM()!.a;
		const size = (el: Element) => ({
			text: el.textContent,
			font: parseFloat(getComputedStyle(el).fontSize) * scale,
			box: el.getBoundingClientRect().height
		});
		const labels = [...svg.querySelectorAll('text.label tspan')].map(size);
		const pointers = [...svg.querySelectorAll('g.pointer text')].map(size);
		return { labels, pointers };
	});
}

for (const [width, height, least] of [
	[1920, 1080, 20],
	[1024, 768, 14]
] as const) {
	test(`at ${width}x${height} the drawing's page names, fill and pointer names are >= ${least} px`, async ({
		page
	}) => {
		await page.setViewportSize({ width, height });
		await openPresenter(page, 3);
		const { labels, pointers } = await drawingTextSizes(page);
		expect(labels.some((l) => /^(ID \d+|p\d+)$/.test(l.text ?? ''))).toBe(true);
		expect(labels.some((l) => /^\d+%$/.test(l.text ?? ''))).toBe(true);
		expect(pointers.map((p) => p.text)).toEqual(['head', 'commit', 'tail', 'reader']);
		for (const t of [...labels, ...pointers]) {
			expect(t.font, `"${t.text}" font`).toBeGreaterThanOrEqual(least);
			expect(t.box, `"${t.text}" box`).toBeGreaterThanOrEqual(least);
		}
	});
}

test('no capture, link or shortcut chrome: only the stage, the time bar and the narration', async ({
	page
}) => {
	await openPresenter(page, 1);
	await expect(page.getByRole('link', { name: 'Open a capture' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: /^Shortcuts/ })).toHaveCount(0);
	await expect(page.getByRole('complementary', { name: 'Controls' })).toHaveCount(0);
	await expect(page.getByTestId('counters')).toHaveCount(0);
	await expect(page.getByTestId('ring-cpu-0')).toBeVisible();
	await expect(page.getByTestId('narration')).toBeVisible();
	await expect(page.getByTestId('presenter-hint')).toContainText('Esc twice: leave');
});

test('clicker keys: arrows step, B blanks and shows again, Home restarts only when pressed twice', async ({
	page
}) => {
	await openPresenter(page, 2);
	await page.keyboard.press('ArrowLeft');
	await expect(position(page)).toHaveText(/^step 1 of/);
	await page.keyboard.press('ArrowDown');
	await expect(position(page)).toHaveText(/^step 2 of/);
	await page.keyboard.press('b');
	await expect(page.getByTestId('blank')).toBeVisible();
	await page.keyboard.press('PageDown'); // a blank screen does not move on
	await idle(page);
	await expect(position(page)).toHaveText(/^step 2 of/);
	await page.keyboard.press('b');
	await expect(page.getByTestId('blank')).toHaveCount(0);
	await page.keyboard.press('Home');
	await expect(page.getByTestId('presenter-hint')).toContainText(
		'Press Home again to restart from step 0'
	);
	await idle(page);
	await expect(position(page)).toHaveText(/^step 2 of/);
	await page.keyboard.press('Home');
	await expect(position(page)).toHaveText(/^step 0 of/);
});

test('Esc twice leaves presenter mode for the lab at the same step', async ({ page }) => {
	await openPresenter(page, 2);
	await page.keyboard.press('Escape');
	await expect(page.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
	await page.keyboard.press('Escape');
	await expect(page.getByRole('button', { name: 'Copy link' })).toBeVisible();
	await expect(page.locator('html')).not.toHaveClass(/present/);
	await expect(position(page)).toHaveText(/^step 2 of/);
	await expect(page).not.toHaveURL(/present=1/);
});
