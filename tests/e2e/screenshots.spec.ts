// Screenshots of every view at 1280x720 and 1920x1080, light and dark, for docs/screenshots/
// and the README. Each is what the screen shows at that size (the viewport, not the whole page).
// A lab is built once and then shown at each size in each theme, as a user would resize the
// window and press the theme button.
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, STATIC_URL, button, chooseCpu, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

// The committed images are refreshed on purpose (UPDATE_SCREENSHOTS=1); ordinary runs write to
// test-results/ so a test run leaves the working tree clean.
const DIR = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';
const SIZES = [
	{ width: 1024, height: 768 },
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

/** Step mode: a task writer stopped before [C], an IRQ writer that interrupted it, lanes in view. */
async function buildStepMode(page: Page): Promise<void> {
	const idle = () => expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await press(page, 'Write', 3);
	await page.getByLabel('New context', { exact: true }).selectOption('task');
	await press(page, 'Spawn');
	for (let i = 0; i < 5; i++) await press(page, 'Step task1');
	await page.getByLabel('New context', { exact: true }).selectOption('irq');
	await press(page, 'Spawn');
	for (let i = 0; i < 4; i++) await press(page, 'Step irq1');
	await idle();
}

test('screenshots: step mode with a task writer interrupted by an IRQ writer', async ({ lab }) => {
	await buildStepMode(lab);
	await everyLook(lab, async (tag) => {
		await lab.getByTestId('timeline').evaluate((el) => el.scrollIntoView());
		await shoot(lab, `step-mode-${tag}`);
		await lab.getByTestId('lanes').evaluate((el) => el.scrollIntoView());
		await shoot(lab, `step-lanes-${tag}`);
	});
});

test('screenshots: a lesson at its question, and after the engine answered', async ({ page }) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto('/?lesson=3-nested-writers-commit');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	while ((await page.getByTestId('lesson-question').count()) === 0) {
		await press(page, 'Step');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	}
	await expect(button(page, 'Step')).toBeDisabled();
	await everyLook(page, (tag) => shoot(page, `lesson-question-${tag}`));
	await page.getByTestId('lesson-question').getByRole('radio').first().check();
	await press(page, 'Check my prediction');
	await expect(page.getByTestId('lesson-verdict')).toBeVisible();
	await everyLook(page, (tag) => shoot(page, `lesson-verdict-${tag}`));
});

test('screenshots: embedded in a tutorial page (no isolation), and presenter mode', async ({
	page,
	baseURL
}) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.setViewportSize({ width: 1280, height: 900 });
	const src = `${STATIC_URL}/?lesson=2-overwrite-lost-events&embed=1&at=3`;
	await page.setContent(
		`<body style="font:18px system-ui;margin:2rem;max-width:62rem"><h1>Overwrite mode</h1>` +
			`<p>When the writer reaches the head, it pushes it and the oldest page is lost:</p>` +
			`<iframe src="${src}" title="ringlab" style="width:100%;height:640px;border:1px solid #999"></iframe></body>`
	);
	const frame = page.frameLocator('iframe');
	await expect(frame.locator('body')).toHaveAttribute('data-engine', 'idle');
	await expect(frame.getByTestId('timeline-position')).toHaveText(/^step 3 of/);
	await settle(page);
	await page.screenshot({ path: `${DIR}/embed-1280x900-light.png` });

	// The example article embedding the lab in a 700x450 frame from another origin.
	for (const colorScheme of THEMES) {
		await page.emulateMedia({ reducedMotion: 'reduce', colorScheme });
		await page.setViewportSize({ width: 820, height: 700 });
		await page.goto(
			`${STATIC_URL}/embed-example.html?lab=${encodeURIComponent(baseURL + '/')}`
		);
		const lab = page.frameLocator('iframe#lab');
		await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
		await lab.getByRole('button', { name: 'Step', exact: true }).click();
		await lab.getByRole('button', { name: 'Step', exact: true }).click();
		await expect(lab.getByTestId('timeline-position')).toHaveText(/^step 2 of/);
		await settle(page);
		await page
			.locator('iframe#lab')
			.screenshot({ path: `${DIR}/embed-700x450-${colorScheme}.png` });
	}
	await page.emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' });

	await page.setViewportSize({ width: 1920, height: 1080 });
	await page.goto('/?lesson=4-head-push-triple-nest&present=1');
	await expect(page.getByTestId('lesson')).toBeVisible();
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	for (let i = 0; i < 12; i++) {
		await page.keyboard.press('PageDown');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	}
	for (const theme of THEMES) {
		// presenter mode has no theme button: its key
		if ((await page.locator('html').getAttribute('data-theme')) !== theme)
			await page.keyboard.press('d');
		await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
		for (const size of SIZES) {
			await page.setViewportSize(size);
			await settle(page);
			await shoot(page, `present-${size.width}x${size.height}-${theme}`);
		}
	}
});

test('screenshots: a lesson at its question', async ({ page }) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto('/?lesson=4-head-push-triple-nest');
	await expect(page.getByTestId('lesson')).toBeVisible();
	for (let i = 0; i < 400 && (await page.getByTestId('lesson-question').count()) === 0; i++) {
		await button(page, 'Step').click();
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	}
	await everyLook(page, (tag) => shoot(page, `lesson-${tag}`));
});

test('screenshots: explore found the swap race, its schedule loaded at the warning', async ({
	lab
}) => {
	const race = JSON.parse(readFileSync('scenarios/history/swap-race.json', 'utf8')) as unknown;
	expect((await lab.evaluate((s) => window.ringlab!.load(s), race)).ok).toBe(true);
	await lab.getByTestId('explore-button').click();
	await lab.getByTestId('explore-run').click();
	await lab.getByTestId('explore-bar-0').click();
	await expect(lab.getByTestId('explore-loaded')).toContainText('the step that warned');
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	await everyLook(lab, async (tag) => {
		if (!tag.startsWith('1280x')) await shoot(lab, `explore-${tag}`);
	});
});
