// Screenshots of every view at 1280x720 and 1920x1080, light and dark, for docs/screenshots/
// and the README. Each is what the screen shows at that size (the viewport, not the whole page).
// A lab is built once and then shown at each size in each theme, as a user would resize the
// window and press the theme button.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, button, chooseCpu, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

// The committed images are refreshed on purpose (UPDATE_SCREENSHOTS=1); ordinary runs write to
// test-results/ so a test run leaves the working tree clean.
const DIR = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';
const SIZES = [
	{ width: 1280, height: 720 },
	{ width: 1920, height: 1080 }
] as const;
const THEMES = ['light', 'dark'] as const;

/** A lab worth looking at: overwritten events, a mapping, a reader swap, a selection, a refusal. */
async function buildLab(page: Page): Promise<void> {
	await page.getByLabel('Size', { exact: true }).fill('200');
	await press(page, 'Burst');
	await press(page, 'Map');
	await press(page, 'Get reader');
	await page.getByLabel('Size', { exact: true }).fill('40');
	await press(page, 'Burst');
	await chooseCpu(page, 1);
	await press(page, 'Write', 6);
	await press(page, 'Consume');
	await chooseCpu(page, 0);
	await page.getByTestId('ring-cpu-0').locator('[data-role=reader]').click();
	await page
		.getByRole('button', { name: /^Bytes of the record at/ })
		.nth(2)
		.click();
	await press(page, 'Resize');
	await expect(page.locator('#outcome-resize .errno')).toHaveText('EBUSY');
}

async function buildEightCpus(page: Page): Promise<void> {
	await page.getByLabel('CPUs', { exact: true }).selectOption('8');
	await page.getByLabel('Size', { exact: true }).fill('120');
	for (let cpu = 0; cpu < 8; cpu++) {
		await chooseCpu(page, cpu);
		await page.getByLabel('Burst of', { exact: true }).fill(String(4 + cpu * 12));
		await press(page, 'Burst');
		if (cpu % 3 === 1) await press(page, 'Read page');
	}
	await chooseCpu(page, 2);
	await press(page, 'Map');
	await chooseCpu(page, 5);
}

/** Switches to `theme` with the theme button, unless the page already shows it. */
async function useTheme(page: Page, theme: (typeof THEMES)[number]): Promise<void> {
	const html = page.locator('html');
	if ((await html.getAttribute('data-theme')) !== theme)
		await button(page, theme === 'dark' ? 'Dark theme' : 'Light theme').click();
	await expect(html).toHaveAttribute('data-theme', theme);
}

/** Waits until the drawings have redrawn for a new size (ResizeObserver, then a frame). */
async function settle(page: Page): Promise<void> {
	await page.evaluate(
		() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))
	);
}

async function shoot(page: Page, name: string): Promise<void> {
	// No focus ring or hover left over from the last click.
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	await page.mouse.move(1, 1);
	await settle(page);
	await page.screenshot({ path: `${DIR}/${name}.png`, animations: 'disabled' });
}

/** Calls `take` at every size in every theme, with the page scrolled to its top. */
async function everyLook(page: Page, take: (tag: string, wide: boolean) => Promise<void>) {
	for (const theme of THEMES) {
		await useTheme(page, theme);
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await page.evaluate(() => window.scrollTo(0, 0));
			await settle(page);
			await take(`${size.width}x${size.height}-${theme}`, size.width >= 1700);
		}
	}
}

test.describe.configure({ timeout: 60_000 });

test('screenshots: the lab, the inspector, the log, the table view and the shortcuts', async ({
	lab
}) => {
	await buildLab(lab);
	await everyLook(lab, async (tag, wide) => {
		await shoot(lab, `lab-${tag}`);
		if (!wide) {
			// At 1280x720 the inspector, the counters and the log are further down.
			await lab.getByTestId('inspector').evaluate((el) => el.scrollIntoView());
			await shoot(lab, `inspector-${tag}`);
			await lab.getByTestId('counters').evaluate((el) => el.scrollIntoView());
			// The controls column scrolls on its own: show the refusal next to Resize.
			await lab
				.locator('#outcome-resize')
				.evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
			await shoot(lab, `counters-log-${tag}`);
			await lab.evaluate(() => window.scrollTo(0, 0));
		}
		await button(lab, 'Table').click();
		await shoot(lab, `table-${tag}`);
		await button(lab, 'Drawing').click();
		await lab.keyboard.press('?');
		await expect(lab.getByRole('dialog')).toBeVisible();
		await shoot(lab, `shortcuts-${tag}`);
		await lab.keyboard.press('Escape');
		await expect(lab.getByRole('dialog')).toBeHidden();
	});
});

test('screenshots: eight CPUs side by side', async ({ lab }) => {
	await buildEightCpus(lab);
	await everyLook(lab, (tag) => shoot(lab, `cpus-8-${tag}`));
});
