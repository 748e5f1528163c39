// trace.dat in the page (issue 19): the bundled file trace-cmd wrote from Linux 6.18 opens in
// /capture (CPUs listed, sub-buffers in the inspector, events decoded through the file's formats);
// a compressed or damaged file is refused with the section and byte offset; the scenario editor's
// Download trace.dat gives a file the importer reads back with the run's events.
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTraceDat } from '../../src/lib/tracedat';
import { expect, test } from './fixtures';

const fixtures = join(import.meta.dirname, '../fixtures/tracedat');

test('a trace.dat from trace-cmd opens in /capture; compressed and damaged files are refused', async ({
	page
}) => {
	await page.setViewportSize({ width: 1280, height: 720 });
	await page.goto('/capture');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await page.getByRole('button', { name: 'tracedat/raw-data.dat' }).click();
	await expect(page.getByTestId('tracedat-summary')).toContainText(
		'raw-data.dat: trace.dat version 7, 2 CPUs, clock local, 2 event formats'
	);
	await expect(page.getByTestId('tracedat-cpu-0')).toContainText('CPU 0: 1 sub-buffer');
	await expect(page.getByTestId('capture-summary')).toContainText('3 events');
	const events = page.getByTestId('tracedat-events');
	await expect(events).toContainText('ftrace:raw_data');
	await expect(events).toContainText('# 1 72 69 6e 67 6c 61 62 20 73 61 6d 70 6c 65 20 30');
	await page.getByTestId('tracedat-cpu-1').click();
	await expect(events).toContainText('# 2 72 69 6e 67');
	await page
		.getByRole('button', { name: /^Bytes of the record at/ })
		.first()
		.click();
	await expect(page.getByTestId('payload')).not.toBeEmpty();
	await events.scrollIntoViewIfNeeded();
	const dir = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';
	await page.screenshot({ path: `${dir}/capture-tracedat-1280x720-light.png` });
	type AxePage = ConstructorParameters<typeof AxeBuilder>[0]['page'];
	const { violations } = await new AxeBuilder({ page: page as unknown as AxePage }).analyze();
	expect(
		violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)
	).toEqual([]);

	const file = page.getByLabel('File', { exact: true });
	await file.setInputFiles(join(fixtures, 'raw-data.zstd.dat'));
	await expect(page.getByTestId('capture-error')).toContainText(
		'raw-data.zstd.dat: compression header, byte 18: compressed with zstd'
	);
	await expect(page.getByTestId('tracedat-summary')).toHaveCount(0);
	const cut = readFileSync(join(fixtures, 'raw-data.dat')).subarray(0, 6000);
	await file.setInputFiles({
		name: 'cut.dat',
		mimeType: 'application/octet-stream',
		buffer: cut
	});
	await expect(page.getByTestId('capture-error')).toContainText(
		'cut.dat: options, byte 1631: the options section offset 12288 is past the end of the file (6000 bytes)'
	);
});

test('Download trace.dat gives the run drained into a file the importer reads', async ({
	lab: page
}) => {
	await page.getByLabel('Size', { exact: true }).fill('40');
	for (let i = 0; i < 3; i++)
		await page.getByRole('button', { name: 'Write', exact: true }).click();
	await page.evaluate(() => window.ringlab!.idle());
	await page.getByTestId('edit-scenario').click();
	const dialog = page.getByTestId('scenario-dialog');
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		dialog.getByTestId('download-trace-dat').click()
	]);
	expect(download.suggestedFilename()).toMatch(/\.dat$/);
	const r = parseTraceDat(new Uint8Array(readFileSync(await download.path())));
	expect(r.ok).toBe(true);
	if (!r.ok) return;
	const subbufs = r.file.buffers[0]!.cpus[0]!.capture.subbufs;
	expect(subbufs.reduce((n, s) => n + s.entries, 0)).toBe(3);
	expect(r.file.formats.map((f) => `${f.system}:${f.name}`)).toEqual(['ringlab:payload']);
});
