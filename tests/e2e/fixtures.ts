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

/** A page error or console error seen during a test, with the page it came from. */
export interface PageProblem {
	kind: 'pageerror' | 'console.error';
	url: string;
	text: string;
}

/**
 * Every test's browser context fails the test on an uncaught page error or a console error
 * (console.error, a failed resource load) in any of its pages, frames or the pages' workers:
 * a Playwright user's suite would fail on them, so ours does. A test that provokes one on
 * purpose lists it in `allowedProblems` (test.use) with a pattern that matches only it.
 */
/** A page's address without its long query (a scenario link can be kilobytes). */
function where(url: string): string {
	return url.length > 100 ? `${url.slice(0, 100)}…` : url;
}

export const test = base.extend<{ lab: Page; allowedProblems: RegExp[]; problems: PageProblem[] }>({
	allowedProblems: [[], { option: true }],
	// Playwright reads a fixture's dependencies from its first parameter's pattern: none here.
	// eslint-disable-next-line no-empty-pattern
	problems: async ({}, use) => {
		await use([]);
	},
	context: async ({ context, problems }, use) => {
		const watch = (page: Page) => {
			page.on('pageerror', (e) =>
				problems.push({
					kind: 'pageerror',
					url: where(page.url()),
					text: `${e.name}: ${e.message}`
				})
			);
			page.on('console', (m) => {
				if (m.type() === 'error')
					problems.push({
						kind: 'console.error',
						url: where(page.url()),
						text: m.text()
					});
			});
			page.on('worker', (w) =>
				w.on('console', (m) => {
					if (m.type() === 'error')
						problems.push({
							kind: 'console.error',
							url: where(w.url()),
							text: m.text()
						});
				})
			);
		};
		context.pages().forEach(watch);
		context.on('page', watch);
		await use(context);
	},
	page: async ({ page, problems, allowedProblems }, use) => {
		await use(page);
		const unexpected = problems.filter((p) => !allowedProblems.some((re) => re.test(p.text)));
		expect(unexpected, 'no page error and no console error in any page of the test').toEqual(
			[]
		);
	},
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
