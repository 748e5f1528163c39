// Real captures in the page (issue 7): a trace_pipe_raw file captured on a live kernel opens in
// the sub-buffer inspector (header, flag bits, records, payloads); a malformed file is refused
// with where and why, and nothing of the capture shown before stays on screen under the error
// (issue 14 item 8). The bundled samples load in the built site and under `vite dev`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_URL, expect, test } from './fixtures';

const captures = join(import.meta.dirname, '../kernel/captures');

test('a capture from Linux 6.18 opens in the inspector; a malformed file is refused', async ({
	page
}) => {
	await page.goto('/capture');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await page
		.getByLabel('File', { exact: true })
		.setInputFiles(join(captures, 'overwrite-loss/cpu0.raw'));
	await expect(page.getByTestId('capture-summary')).toContainText('cpu0.raw');
	await expect(page.getByTestId('capture-summary')).toContainText('sub-buffers of 4096 bytes');
	// the first page a reader gets after an overwrite says events were lost
	await expect(page.getByTestId('capture-subbuf-0')).toContainText('lost');
	await expect(page.getByTestId('header-missed_events')).toHaveText('1');
	const rows = page.getByTestId('inspector').getByRole('row');
	expect(await rows.count()).toBeGreaterThan(2);
	await page
		.getByRole('button', { name: /^Bytes of the record at/ })
		.first()
		.click();
	await expect(page.getByTestId('payload')).not.toBeEmpty();
	const dir = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';
	await page.screenshot({ path: `${dir}/capture-1280x720-light.png` });

	// 8 KiB sub-buffers, size inferred from the headers
	await page.getByRole('button', { name: 'subbuf-8k/cpu0.raw' }).click();
	await expect(page.getByTestId('capture-summary')).toContainText(
		'of 8192 bytes (size inferred)'
	);

	// a truncated file: refused, with where and why
	await page.getByLabel('File', { exact: true }).setInputFiles({
		name: 'broken.raw',
		mimeType: 'application/octet-stream',
		buffer: Buffer.alloc(5000, 0x41)
	});
	await expect(page.getByTestId('capture-error')).toContainText('broken.raw: sub-buffer');
});

test('a malformed file clears the capture shown before: no summary, no inspector', async ({
	page
}) => {
	await page.goto('/capture');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	const file = page.getByLabel('File', { exact: true });
	await file.setInputFiles(join(captures, 'overwrite-loss/cpu0.raw'));
	await expect(page.getByTestId('inspector')).toBeVisible();
	await file.setInputFiles({
		name: 'broken.raw',
		mimeType: 'application/octet-stream',
		buffer: Buffer.alloc(5000, 0x41)
	});
	await expect(page.getByTestId('capture-error')).toContainText('broken.raw: sub-buffer');
	await expect(page.getByTestId('capture-summary')).toHaveCount(0);
	await expect(page.getByTestId('inspector')).toHaveCount(0);
	await expect(page.getByTestId('capture-subbuf-0')).toHaveCount(0);
	// a good file after it: the error goes, the new capture shows
	await file.setInputFiles(join(captures, 'time-extend/cpu0.raw'));
	await expect(page.getByTestId('capture-error')).toHaveCount(0);
	await expect(page.getByTestId('capture-summary')).toContainText('cpu0.raw');
});

test('a bundled sample empties the file field, and the summary names the sample', async ({
	page
}) => {
	await page.goto('/capture');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	const file = page.getByLabel('File', { exact: true });
	await file.setInputFiles(join(captures, 'overwrite-loss/cpu0.raw'));
	await expect(file).toHaveValue(/cpu0\.raw$/);
	await page.getByRole('button', { name: 'subbuf-8k/cpu0.raw' }).click();
	await expect(page.getByTestId('capture-summary')).toContainText('subbuf-8k/cpu0.raw');
	await expect(file).toHaveValue('');
	expect(await file.evaluate((e: HTMLInputElement) => e.files?.length ?? 0)).toBe(0);
});

test('one sub-buffer holding one event reads "1 sub-buffer", "1 event"', async ({ page }) => {
	await page.goto('/capture');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	// the second sub-buffer of the time-extend capture holds one event
	const second = readFileSync(join(captures, 'time-extend/cpu0.raw')).subarray(4096, 8192);
	await page.getByLabel('File', { exact: true }).setInputFiles({
		name: 'one.raw',
		mimeType: 'application/octet-stream',
		buffer: Buffer.from(second)
	});
	await expect(page.getByTestId('capture-summary')).toContainText(
		'one.raw: 1 sub-buffer of 4096 bytes (size inferred), 1 event.'
	);
	await expect(page.getByTestId('capture-subbuf-0')).toContainText(/· 1 event\s*$/);
	await expect(page.locator('main')).not.toContainText(/\b1 (sub-buffers|events)\b/);
});

test('the bundled samples load under `vite dev` too', async ({ page }) => {
	test.setTimeout(90_000);
	await page.goto(`${DEV_URL}/capture`);
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle', { timeout: 60_000 });
	await page.getByRole('button', { name: 'overwrite-loss/cpu0.raw' }).click();
	await expect(page.getByTestId('capture-summary')).toContainText(
		'overwrite-loss/cpu0.raw: 3 sub-buffers of 4096 bytes'
	);
	await expect(page.getByTestId('inspector')).toBeVisible();
});
