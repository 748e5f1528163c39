// Real captures in the page (issue 7): a trace_pipe_raw file captured on a live kernel opens in
// the sub-buffer inspector (header, flag bits, records, payloads); a malformed file is refused
// with where and why, and the capture shown before stays as it was.
import { join } from 'node:path';
import { expect, test } from './fixtures';

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

	// a truncated file: refused, and the 8 KiB capture is still shown
	await page.getByLabel('File', { exact: true }).setInputFiles({
		name: 'broken.raw',
		mimeType: 'application/octet-stream',
		buffer: Buffer.alloc(5000, 0x41)
	});
	await expect(page.getByTestId('capture-error')).toContainText('broken.raw: sub-buffer');
	await expect(page.getByTestId('capture-summary')).toContainText('subbuf-8k/cpu0.raw');
});
