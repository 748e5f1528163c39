// Shared Playwright fixtures: the `lab` fixture is a page whose engine has answered (kit's
// "app ready" pattern: body[data-engine=idle]), with moves drawn at once (reduced motion).
import { expect, test as base, type Locator, type Page } from '@playwright/test';
import type { RingState } from '../../src/lib/ring';
// window.ringlab's type.
import type {} from '../../src/lib/ui/page-api';

export { expect };

/** The same build on a plain static host (no COOP/COEP), and the dev server (playwright.config.ts). */
export const STATIC_URL = process.env.RINGLAB_STATIC_URL ?? 'http://127.0.0.1:4174';
export const DEV_URL = process.env.RINGLAB_DEV_URL ?? 'http://localhost:5174';

export const test = base.extend<{ lab: Page }>({
	lab: async ({ page }, use) => {
		await page.emulateMedia({ reducedMotion: 'reduce' });
		await page.goto('/');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
		await use(page);
	}
});

/**
 * Options every spec file of the lab passes to test.use(): moves drawn at once, and a trace only
 * when a failed test is retried (CI retries once): recording one for every test doubles the
 * suite's time on a two-core machine.
 */
export const LAB_OPTIONS = { reducedMotion: 'reduce', trace: 'on-first-retry' } as const;

/** The engine's state as window.ringlab reports it. */
export async function engineState(page: Page): Promise<RingState> {
	return page.evaluate(() => window.ringlab!.state());
}

/** A control button by its exact name. */
export function button(page: Page, name: string): Locator {
	return page.getByRole('button', { name, exact: true });
}

/** Clicks a control button `times` times. */
export async function press(page: Page, name: string, times = 1): Promise<void> {
	for (let i = 0; i < times; i++) await button(page, name).click();
}

/** Chooses the CPU the controls act on. */
export async function chooseCpu(page: Page, cpu: number): Promise<void> {
	await page.getByRole('radio', { name: `CPU ${cpu}`, exact: true }).check();
}

/** A counter cell of the counters table. */
export function counter(page: Page, cpu: number, name: string): Locator {
	return page.getByTestId(`counter-${cpu}-${name}`);
}

/**
 * Asserts a refusal is shown next to `control`: the element the button names in
 * aria-describedby carries `errno`, and sits right under the button.
 */
export async function expectRefusal(page: Page, control: Locator, errno: string): Promise<void> {
	const id = await control.getAttribute('aria-describedby');
	expect(id, 'the control points at its outcome line').toBeTruthy();
	const note = page.locator(`[id="${id}"]`);
	await expect(note.locator('.errno')).toHaveText(errno);
	const a = (await control.boundingBox())!;
	const b = (await note.boundingBox())!;
	expect(b.y, 'the refusal is below its control').toBeGreaterThanOrEqual(a.y);
	expect(b.y - (a.y + a.height), 'and close to it').toBeLessThan(80);
}
