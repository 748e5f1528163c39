// Sharing (spec §4): `&embed=1` shows the lab without its chrome inside a tutorial's iframe, and
// works on a host without cross-origin isolation; `&present=1` is for talks: large type and a
// clicker's keys (PageDown steps, PageUp steps back, Esc goes back to the start).
import { LAB_OPTIONS, STATIC_URL, button, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

test('embed=1 in an iframe on a host without isolation: no controls, steps and time travel work', async ({
	page
}) => {
	await page.setContent(
		`<iframe src="${STATIC_URL}/?lesson=1-reader-page-swap&embed=1" title="ringlab" style="width:1000px;height:700px"></iframe>`
	);
	const frame = page.frameLocator('iframe');
	await expect(frame.locator('body')).toHaveAttribute('data-engine', 'idle');
	expect(await frame.locator('html').evaluate(() => self.crossOriginIsolated)).toBe(false);
	await expect(frame.getByRole('button', { name: 'Burst', exact: true })).toBeHidden();
	await expect(frame.getByTestId('copying-banner')).toHaveCount(0);
	await expect(frame.getByText('Open in ringlab')).toBeVisible();
	await expect(frame.getByTestId('lesson')).toBeVisible();
	await frame.getByRole('button', { name: 'Step', exact: true }).click();
	await expect(frame.getByTestId('timeline-position')).toHaveText(/^step 1 of \d+$/);
	await frame.getByRole('button', { name: 'Step back', exact: true }).click();
	await expect(frame.getByTestId('timeline-position')).toHaveText(/^step 0 of \d+$/);
});

test('present=1: PageDown steps, PageUp steps back, Esc alone does not jump to the start', async ({
	page
}) => {
	await page.goto('/?lesson=3-nested-writers-commit&present=1');
	await expect(page.getByTestId('lesson')).toBeVisible();
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await expect(page.getByRole('button', { name: 'Burst', exact: true })).toBeHidden();
	for (let i = 1; i <= 3; i++) {
		await page.keyboard.press('PageDown');
		await expect(page.getByTestId('timeline-position')).toHaveText(new RegExp(`^step ${i} of`));
	}
	await page.keyboard.press('PageUp');
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 2 of/);
	// Esc once asks (issue 13: it used to jump silently to step 0); another key cancels.
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('presenter-hint')).toContainText(
		'Press Esc again to leave presenter mode'
	);
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 2 of/);
	await page.keyboard.press('ArrowRight');
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 3 of/);
	await expect(page.getByTestId('presenter-hint')).not.toContainText('Press Esc again');
	await expect(button(page, 'Step')).toBeEnabled();
});
