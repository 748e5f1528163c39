import { LAB_OPTIONS, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

test('/ is served cross-origin isolated', async ({ page }) => {
	const response = await page.goto('/');
	expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin');
	expect(response?.headers()['cross-origin-embedder-policy']).toBe('require-corp');
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
	expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
	// plain words for a learner; the mechanism is in the tooltip
	const transport = page.getByTestId('transport');
	await expect(transport).toHaveText('live view: reads the engine’s memory in place');
	await expect(transport).toHaveAttribute('title', /^cross-origin isolated: yes · zero-copy/);
});

test('Write three times: 3 entries, and the tail page has committed bytes', async ({ page }) => {
	await page.goto('/');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');

	const write = page.getByRole('button', { name: 'Write', exact: true });
	for (let i = 0; i < 3; i++) await write.click();

	await expect(page.getByTestId('counter-0-entries')).toHaveText('3');
	const tail = await page.getByTestId('pointer-0-tail').getAttribute('data-page');
	expect(tail).not.toBeNull();
	// Not mapped yet: sub-buffers are named by page number until they get IDs.
	const commit = await page.getByTestId(`subbuf-0-p${tail}`).getAttribute('data-commit');
	expect(Number(commit)).toBeGreaterThan(0);
});
