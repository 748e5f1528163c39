// The scenario editor (issue 13 item 5, "Author in the page"): the history as steps and as JSON,
// one draft checked by the CLI's parser; Run rebuilds the timeline, and the state it shows is
// the state `ringlab run --json` gives for the exported file; a malformed file changes nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { RingState } from '../../src/lib/ring';
import { LAB_OPTIONS, button, engineState, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

const tmp = mkdtempSync(join(tmpdir(), 'ringlab-editor-'));

/** `ringlab run FILE --json`'s final state. */
function cliFinal(file: string): RingState {
	const out = execFileSync('node', ['bin/ringlab.js', 'run', file, '--json'], {
		encoding: 'utf8'
	});
	const last = out.trim().split('\n').at(-1)!;
	return (JSON.parse(last) as { final: RingState }).final;
}

async function idle(page: Page): Promise<void> {
	await page.evaluate(() => window.ringlab!.idle());
}

async function openEditor(page: Page) {
	await page.getByTestId('edit-scenario').click();
	const dialog = page.getByTestId('scenario-dialog');
	await expect(dialog).toBeVisible();
	return dialog;
}

const VALID = {
	ringlab: 1,
	title: 'Two writes and a read',
	config: { cpus: 1 },
	steps: [
		{ op: 'write', cpu: 0, size: 24 },
		{ op: 'write', cpu: 0, size: 40 },
		{ op: 'consume', cpu: 0 }
	]
};

test('edit a step’s size, Run: the page’s state is the CLI’s run of the exported JSON', async ({
	lab
}) => {
	await press(lab, 'Write', 3);
	await idle(lab);
	const dialog = await openEditor(lab);
	await expect(dialog.getByTestId(/^scenario-step-/)).toHaveCount(3);
	const size = dialog.getByLabel('Step 2 size', { exact: true });
	await size.fill('200');
	await size.press('Tab');
	await expect(dialog.getByTestId('scenario-error')).toHaveCount(0);
	const before = await engineState(lab);
	await button(lab, 'Run').click();
	await expect(dialog.getByTestId('scenario-status')).toContainText('Ran it');
	await idle(lab);
	const after = await engineState(lab);
	expect(after, 'the edit changed what the lab shows').not.toEqual(before);

	const [download] = await Promise.all([
		lab.waitForEvent('download'),
		button(lab, 'Download scenario JSON').click()
	]);
	expect(download.suggestedFilename()).toBe('scenario.json');
	const file = join(tmp, 'edited.json');
	await download.saveAs(file);
	const exported = JSON.parse(readFileSync(file, 'utf8')) as { steps: { size?: number }[] };
	expect(exported.steps[1]!.size).toBe(200);
	expect(after).toEqual(cliFinal(file));
});

test('the steps can be inserted, moved and deleted, and the JSON tab shows the same draft', async ({
	lab
}) => {
	await press(lab, 'Write', 2);
	await idle(lab);
	const dialog = await openEditor(lab);
	await dialog.getByLabel('Insert a step after step 2').selectOption('consume');
	await expect(dialog.getByTestId('scenario-step-2')).toContainText('consume');
	await button(lab, 'Move step 3 up').click();
	await expect(dialog.getByTestId('scenario-step-1')).toContainText('consume');
	await button(lab, 'Delete step 1').click();
	await expect(dialog.getByTestId(/^scenario-step-/)).toHaveCount(2);
	await dialog.getByRole('tab', { name: 'JSON' }).click();
	const doc = JSON.parse(await dialog.getByTestId('scenario-json').inputValue()) as {
		steps: { op: string }[];
	};
	expect(doc.steps.map((s) => s.op)).toEqual(['consume', 'write']);
});

test('invalid JSON shows the parser’s error with its path, and Run is off', async ({ lab }) => {
	await press(lab, 'Write', 2);
	await idle(lab);
	const dialog = await openEditor(lab);
	await dialog.getByRole('tab', { name: 'JSON' }).click();
	const json = dialog.getByTestId('scenario-json');
	const doc = JSON.parse(await json.inputValue()) as { steps: Record<string, unknown>[] };
	doc.steps[1]!.size = 'big';
	await json.fill(JSON.stringify(doc, null, 2));
	await expect(dialog.getByTestId('scenario-error')).toContainText('$.steps[1].size: ');
	await expect(button(lab, 'Run')).toBeDisabled();
	await expect(button(lab, 'Download scenario JSON')).toBeDisabled();
	// the Steps tab marks the step the path points into
	await dialog.getByRole('tab', { name: 'Steps' }).click();
	await expect(dialog.getByTestId('scenario-step-1')).toContainText('$.steps[1].size: ');
	await expect(dialog.getByLabel('Step 2 size', { exact: true })).toHaveAttribute(
		'aria-invalid',
		'true'
	);
	await dialog.getByRole('tab', { name: 'JSON' }).click();
	await json.fill('{"ringlab": 1, "steps": [');
	await expect(dialog.getByTestId('scenario-error')).toContainText('$: not valid JSON');
	await expect(button(lab, 'Run')).toBeDisabled();
	await json.fill(JSON.stringify(VALID));
	await expect(dialog.getByTestId('scenario-error')).toHaveCount(0);
	await expect(button(lab, 'Run')).toBeEnabled();
});

test('a malformed .json file, opened or dropped, shows its error and changes nothing', async ({
	lab
}) => {
	await press(lab, 'Write', 2);
	await idle(lab);
	const hex = await lab.evaluate(() => window.ringlab!.stateHex());
	const bad = JSON.stringify({ ...VALID, steps: [{ op: 'write', cpu: 7 }] });
	// dropped on the page, with the editor closed
	await lab.evaluate((text) => {
		const dt = new DataTransfer();
		dt.items.add(new File([text], 'bad.json', { type: 'application/json' }));
		const target = document.querySelector('main')!;
		for (const type of ['dragover', 'drop'])
			target.dispatchEvent(
				new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true })
			);
	}, bad);
	const dialog = lab.getByTestId('scenario-dialog');
	const status = dialog.getByTestId('scenario-status');
	await expect(status).toContainText('bad.json did not open');
	await expect(status).toContainText('$.steps[0].cpu: ');
	const draft = await dialog.getByTestId('scenario-json').count();
	expect(draft).toBe(0);
	await expect(dialog.getByTestId(/^scenario-step-/)).toHaveCount(2);
	// opened with the file input
	await dialog.getByTestId('scenario-file').setInputFiles({
		name: 'also-bad.json',
		mimeType: 'application/json',
		buffer: Buffer.from(bad)
	});
	await expect(status).toContainText('also-bad.json did not open');
	await expect(dialog.getByTestId(/^scenario-step-/)).toHaveCount(2);
	await idle(lab);
	expect(await lab.evaluate(() => window.ringlab!.stateHex())).toBe(hex);
});

test('opening a valid .json file loads it', async ({ lab }) => {
	const file = join(tmp, 'valid.json');
	writeFileSync(file, JSON.stringify(VALID));
	const dialog = await openEditor(lab);
	await dialog.getByTestId('scenario-file').setInputFiles(file);
	await expect(dialog.getByTestId('scenario-status')).toContainText('Opened valid.json');
	await expect(dialog.getByTestId(/^scenario-step-/)).toHaveCount(3);
	await idle(lab);
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 3 of 3');
	expect(await engineState(lab)).toEqual(cliFinal(file));
	// the exports name the file from its title
	const [download] = await Promise.all([
		lab.waitForEvent('download'),
		button(lab, 'Download scenario JSON').click()
	]);
	expect(download.suggestedFilename()).toBe('two-writes-and-a-read.json');
	// Copy link and Copy embed code give the draft's URL, which opens the same state
	await lab.context().grantPermissions(['clipboard-read', 'clipboard-write']);
	const clipboard = () => lab.evaluate(() => navigator.clipboard.readText());
	await dialog.getByRole('button', { name: 'Copy embed code', exact: true }).click();
	await expect(dialog.getByRole('button', { name: 'Copied', exact: true })).toBeVisible();
	const snippet = await clipboard();
	expect(snippet).toMatch(/^<iframe src="[^"]*\?scenario=[^"]*&amp;embed=1"/);
	expect(snippet).toContain('title="ringlab: Two writes and a read"');
	await dialog.getByRole('button', { name: 'Copy link', exact: true }).click();
	await expect(dialog.getByRole('button', { name: 'Link copied', exact: true })).toBeVisible();
	const link = await clipboard();
	expect(link).toMatch(/\/\?scenario=[A-Za-z0-9_-]+$/);
	await button(lab, 'Close').click();
	await expect(dialog).toBeHidden();
	await lab.goto(link);
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	expect(await engineState(lab)).toEqual(cliFinal(file));
});

// The committed images are refreshed on purpose (UPDATE_SCREENSHOTS=1), as screenshots.spec.ts does.
const SHOTS = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';

for (const size of [
	{ width: 1280, height: 720 },
	{ width: 1024, height: 768 }
])
	test(`the editor at ${size.width}x${size.height}: the header keeps one line, the dialog is modal`, async ({
		lab
	}) => {
		await lab.getByLabel('Size', { exact: true }).fill('120');
		await press(lab, 'Burst');
		await press(lab, 'Consume');
		await press(lab, 'Write', 2);
		await lab.setViewportSize(size);
		await idle(lab);
		const edit = lab.getByTestId('edit-scenario');
		const box = (await edit.boundingBox())!;
		expect(box.x + box.width, 'the button is on screen').toBeLessThanOrEqual(size.width);
		const header = lab.locator('header.bar');
		expect(
			await header.evaluate((h) => h.scrollWidth <= h.clientWidth),
			'the header does not overflow'
		).toBe(true);
		const ring = (await lab.getByTestId('ring-cpu-0').boundingBox())!;
		expect(ring.y + ring.height / 2, 'the ring stays on screen').toBeLessThan(size.height);
		for (const theme of ['light', 'dark'] as const) {
			if ((await lab.locator('html').getAttribute('data-theme')) !== theme)
				await button(lab, theme === 'dark' ? 'Dark theme' : 'Light theme').click();
			const dialog = await openEditor(lab);
			const d = (await dialog.boundingBox())!;
			expect(d.y + d.height, 'the dialog fits the screen').toBeLessThanOrEqual(size.height);
			await lab.screenshot({
				path: `${SHOTS}/editor-${size.width}x${size.height}-${theme}.png`
			});
			if (size.width === 1280 && theme === 'light') {
				await dialog.getByRole('tab', { name: 'JSON' }).click();
				const json = dialog.getByTestId('scenario-json');
				await json.fill((await json.inputValue()).replace('"cpu": 0', '"cpu": 5'));
				await expect(dialog.getByTestId('scenario-error')).toBeVisible();
				await lab.screenshot({ path: `${SHOTS}/editor-json-error-1280x720-light.png` });
				await dialog.getByRole('tab', { name: 'Steps' }).click();
				await lab.screenshot({ path: `${SHOTS}/editor-steps-error-1280x720-light.png` });
			}
			await button(lab, 'Close').click();
			await expect(dialog).toBeHidden();
		}
	});
