// axe-core finds no serious or critical violation in any view, in either theme.
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

/** @axe-core/playwright pins its own playwright-core, whose Page type differs only in name. */
type AxePage = ConstructorParameters<typeof AxeBuilder>[0]['page'];

async function expectNoSeriousViolations(page: Page, where: string): Promise<void> {
	const { violations } = await new AxeBuilder({ page: page as unknown as AxePage }).analyze();
	const bad = violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
	expect(bad, `axe in ${where}`).toEqual([]);
}

/** A lab with a mapping, a reader swap, a selected sub-buffer, its payload and a refusal. */
async function buildLab(page: Page, colorScheme: 'light' | 'dark'): Promise<void> {
	await page.emulateMedia({ colorScheme });
	await page.goto('/');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await press(page, 'Write', 3);
	await press(page, 'Map');
	await press(page, 'Get reader');
	await press(page, 'Resize');
	await page.getByTestId('subbuf-0-1').click();
	await page.getByRole('button', { name: 'Bytes of the record at 0' }).click();
	await expect(page.getByTestId('payload')).toBeVisible();
}

// Each scan takes seconds on a busy two-core machine.
test.describe.configure({ timeout: 60_000 });

test('axe: the lab and the shortcuts overlay, light theme', async ({ page }) => {
	await buildLab(page, 'light');
	await expectNoSeriousViolations(page, 'the lab with a mapping, a selection and a refusal');
	await page.getByRole('button', { name: /^Shortcuts/ }).click();
	await expect(page.getByRole('dialog')).toBeVisible();
	await expectNoSeriousViolations(page, 'the shortcuts overlay');
});

test('axe: the table view with the inspector and the mapping, dark theme', async ({ page }) => {
	await buildLab(page, 'dark');
	await page.getByRole('button', { name: 'Table', exact: true }).click();
	await expectNoSeriousViolations(page, 'the table view');
});

test('axe: step mode lanes, a lesson at its question (dark), and a capture', async ({ page }) => {
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.goto('/?lesson=3-nested-writers-commit');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	while ((await page.getByTestId('lesson-question').count()) === 0) {
		await press(page, 'Step');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	}
	await expect(page.getByTestId('lanes').locator('article').first()).toBeVisible();
	await expectNoSeriousViolations(page, 'a lesson at its question, with lanes');
	await page.goto('/capture');
	await page.getByRole('button', { name: 'overwrite-loss/cpu0.raw' }).click();
	await expect(page.getByTestId('capture-summary')).toBeVisible();
	await expectNoSeriousViolations(page, 'the capture page');
});

test('axe: the scenario editor, its steps with an error (light) and its JSON (dark)', async ({
	page
}) => {
	for (const colorScheme of ['light', 'dark'] as const) {
		await buildLab(page, colorScheme);
		await page.getByTestId('edit-scenario').click();
		const dialog = page.getByTestId('scenario-dialog');
		await expect(dialog).toBeVisible();
		if (colorScheme === 'light') {
			const cpu = dialog.getByLabel('Step 1 cpu', { exact: true });
			await cpu.fill('9');
			await cpu.press('Tab');
			await expect(dialog.getByTestId('scenario-error')).toBeVisible();
		} else await dialog.getByRole('tab', { name: 'JSON' }).click();
		await expectNoSeriousViolations(page, `the scenario editor (${colorScheme})`);
	}
});

test('axe: the Explore panel with its chart, light and dark', async ({ page }) => {
	const race = JSON.parse(readFileSync('scenarios/history/swap-race.json', 'utf8')) as unknown;
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		await page.goto('/');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
		expect((await page.evaluate((s) => window.ringlab!.load(s), race)).ok).toBe(true);
		await page.getByTestId('explore-button').click();
		await page.getByTestId('explore-run').click();
		await page.getByTestId('explore-bar-0').click();
		await expect(page.getByTestId('explore-loaded')).toContainText('the step that warned');
		await expectNoSeriousViolations(page, `the Explore panel (${colorScheme})`);
	}
});
