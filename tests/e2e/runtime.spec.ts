// The engine runs in a Worker; the page reads its SharedArrayBuffer in place (dev and preview send
// COOP/COEP); and on a static host without those headers the page still works with the copying
// transport and says so.
import { DEV_URL, STATIC_URL, expect, test } from './fixtures';

const entries = async (page: import('@playwright/test').Page) =>
	Number(await page.getByTestId('runtime-entries').textContent());

test('preview: isolated, the Worker runs, the page reads the shared state in place', async ({
	page
}) => {
	await page.goto('/runtime');
	await expect(page.locator('body[data-engine="idle"]')).toBeVisible();
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
	await expect(page.getByTestId('runtime-transport')).toContainText('Zero-copy');
	await page.getByRole('button', { name: 'Start writers' }).click();
	// No request is made from here on: the counters move only because the page reads the Worker's
	// memory in place.
	await expect.poll(() => entries(page), { timeout: 10_000 }).toBeGreaterThan(1000);
	const a = await entries(page);
	await expect.poll(() => entries(page), { timeout: 10_000 }).toBeGreaterThan(a);
	await page.screenshot({ path: 'test-results/runtime-shared.png' });
	await page.getByRole('button', { name: 'Stop writers' }).click();
	await page.getByRole('button', { name: 'Get reader and read' }).click();
	await expect
		.poll(async () => Number(await page.getByTestId('runtime-read').textContent()))
		.toBeGreaterThan(0);
});

test('static host without headers: the copying transport, labelled, still works', async ({
	page
}) => {
	await page.goto(`${STATIC_URL}/runtime`);
	await expect(page.locator('body[data-engine="idle"]')).toBeVisible();
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);
	await expect(page.getByTestId('runtime-transport')).toContainText('Copying transport');
	await expect(page.getByRole('button', { name: 'Start writers' })).toBeDisabled();
	await page.getByRole('button', { name: 'Write 100 events' }).click();
	await expect(page.getByTestId('runtime-entries')).toHaveText('100');
	await page.getByRole('button', { name: 'Get reader and read' }).click();
	await expect
		.poll(async () => Number(await page.getByTestId('runtime-read').textContent()))
		.toBeGreaterThan(0);
	await page.screenshot({ path: 'test-results/runtime-copy.png' });
});

test('dev server: COOP/COEP on every response, isolated, the Worker runs', async ({ page }) => {
	const res = await page.goto(`${DEV_URL}/runtime`);
	expect(res?.headers()['cross-origin-opener-policy']).toBe('same-origin');
	expect(res?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
	await expect(page.locator('body[data-engine="idle"]')).toBeVisible({ timeout: 30_000 });
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
	await expect(page.getByTestId('runtime-transport')).toContainText('Zero-copy');
	await page.getByRole('button', { name: 'Write 100 events' }).click();
	await expect(page.getByTestId('runtime-entries')).toHaveText('100');
});

test('static host without headers: the service worker offer brings zero-copy mode back', async ({
	page
}) => {
	await page.goto(`${STATIC_URL}/runtime`);
	await expect(page.getByTestId('runtime-transport')).toContainText('Copying transport');
	await page.getByRole('button', { name: 'Reload in zero-copy mode' }).click();
	await expect(page.getByTestId('runtime-transport')).toContainText('Zero-copy', {
		timeout: 20_000
	});
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
});
