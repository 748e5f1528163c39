// The stage (issue 13): the chosen CPU's ring, the narration and the code lane of each context
// in flight are inside the viewport, without scrolling, at the sizes the lab is shown at: in the
// lab, in a lesson at its question, in presenter mode, and with 8 CPUs. One page per case,
// resized as a user would resize the window.
import type { Locator, Page } from '@playwright/test';
import { LAB_OPTIONS, button, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

const SIZES = [
	{ width: 1024, height: 768 },
	{ width: 1280, height: 720 },
	{ width: 1920, height: 1080 }
] as const;

const idle = (page: Page) => expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');

/** Waits until the drawings have redrawn for a new size (ResizeObserver, then a frame). */
async function settle(page: Page): Promise<void> {
	await page.evaluate(
		() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
	);
}

/** Asserts `what`'s whole bounding box is inside the viewport, the page scrolled to its top. */
async function expectOnScreen(page: Page, what: Locator, name: string): Promise<void> {
	const view = page.viewportSize()!;
	const box = await what.boundingBox();
	expect(box, `${name} is drawn`).not.toBeNull();
	const at = `${name} at ${view.width}x${view.height}: ${JSON.stringify(box)}`;
	expect(box!.x, at).toBeGreaterThanOrEqual(-0.5);
	expect(box!.y, at).toBeGreaterThanOrEqual(-0.5);
	expect(box!.x + box!.width, at).toBeLessThanOrEqual(view.width + 0.5);
	expect(box!.y + box!.height, at).toBeLessThanOrEqual(view.height + 0.5);
	expect(box!.width * box!.height, `${name} is not squeezed to nothing`).toBeGreaterThan(2000);
}

/** At every size: the chosen ring, the narration and `lanes` inside the viewport. */
async function expectStageAtEverySize(page: Page, cpu: number, lanes: string[]): Promise<void> {
	for (const size of SIZES) {
		await page.setViewportSize(size);
		await page.evaluate(() => window.scrollTo(0, 0));
		await settle(page);
		expect(await page.evaluate(() => window.scrollY)).toBe(0);
		await expectOnScreen(page, page.getByTestId(`ring-cpu-${cpu}`), `the ring of CPU ${cpu}`);
		await expectOnScreen(page, page.getByTestId('narration'), 'the narration');
		for (const lane of lanes)
			await expectOnScreen(page, page.getByTestId(`lane-${lane}`), `the lane of ${lane}`);
	}
}

test('the lab: the chosen ring, the narration and a task interrupted by an IRQ on one screen', async ({
	lab
}) => {
	await press(lab, 'Write', 3);
	await lab.getByLabel('New context', { exact: true }).selectOption('task');
	await press(lab, 'Spawn');
	for (let i = 0; i < 5; i++) await press(lab, 'Step task1');
	await lab.getByLabel('New context', { exact: true }).selectOption('irq');
	await press(lab, 'Spawn');
	await press(lab, 'Step irq1');
	await idle(lab);
	await expectStageAtEverySize(lab, 0, ['task1', 'irq1']);
});

test('a lesson at its question: the question, the ring and the lanes on one screen', async ({
	page
}) => {
	await page.goto('/?lesson=4-head-push-triple-nest');
	await expect(page.getByTestId('lesson')).toBeVisible();
	await idle(page);
	for (let i = 0; i < 400 && (await page.getByTestId('lesson-question').count()) === 0; i++) {
		await button(page, 'Step').click();
		await idle(page);
	}
	const inFlight = await page
		.locator('article[data-testid^=lane-]')
		.evaluateAll((els) => els.map((e) => e.dataset.testid!.replace(/^lane-/, '')));
	expect(inFlight.length, 'the question is asked with contexts in flight').toBeGreaterThan(0);
	await expectStageAtEverySize(page, 0, inFlight);
	for (const size of SIZES) {
		await page.setViewportSize(size);
		await settle(page);
		await expectOnScreen(page, page.getByTestId('lesson-question'), 'the question');
	}
});

test('presenter mode with a context in flight: ring, narration and lane on one screen', async ({
	page
}) => {
	await page.goto('/?lesson=3-nested-writers-commit&present=1');
	await expect(page.getByTestId('lesson')).toBeVisible();
	await idle(page);
	for (let i = 0; i < 3; i++) {
		await page.keyboard.press('PageDown');
		await idle(page);
	}
	await expect(page.locator('article[data-testid^=lane-]')).toHaveCount(1);
	await expectStageAtEverySize(page, 0, ['task']);
});

test('8 CPUs: the rings share the stage in a grid, the chosen one larger, all on one screen', async ({
	lab
}) => {
	await lab.evaluate(() =>
		window.ringlab!.load({
			ringlab: 1,
			config: { cpus: 8, subbufsPerCpu: 4 },
			steps: [{ op: 'write', cpu: 5, size: 16, repeat: 20 }]
		})
	);
	await lab.evaluate(() => window.ringlab!.run());
	await lab.keyboard.press('6');
	await expect(lab.getByTestId('ring-cell-5')).toHaveClass(/chosen/);
	await expectStageAtEverySize(lab, 5, []);
	for (const size of SIZES) {
		await lab.setViewportSize(size);
		await settle(lab);
		const chosen = (await lab.getByTestId('ring-cpu-5').boundingBox())!;
		for (let cpu = 0; cpu < 8; cpu++) {
			await expectOnScreen(lab, lab.getByTestId(`ring-cpu-${cpu}`), `the ring of CPU ${cpu}`);
			if (cpu === 5) continue;
			const other = (await lab.getByTestId(`ring-cpu-${cpu}`).boundingBox())!;
			expect(chosen.width * chosen.height, 'the chosen ring is the larger').toBeGreaterThan(
				2 * other.width * other.height
			);
		}
	}
});
