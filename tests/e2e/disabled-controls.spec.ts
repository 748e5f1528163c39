// Disabled controls look disabled and say why (issue 14 item 12): a disabled button is dimmed,
// muted and shows the not-allowed cursor in both themes, carries its reason as a tooltip and as
// its accessible description, and the time bar shows why Step waits, such as at a lesson's
// question, where the learner has to predict first.
import type { Locator, Page } from '@playwright/test';
import { LAB_OPTIONS, button, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

/** What makes a button look enabled or not. */
async function looks(control: Locator) {
	return control.evaluate((e) => {
		const s = getComputedStyle(e);
		return {
			opacity: Number(s.opacity),
			cursor: s.cursor,
			background: s.backgroundColor,
			color: s.color
		};
	});
}

/** The text of the elements a control names in aria-describedby. */
async function describedBy(page: Page, control: Locator): Promise<string> {
	const ids = (await control.getAttribute('aria-describedby')) ?? '';
	expect(ids, 'the control points at its reason').not.toBe('');
	const texts = await Promise.all(
		ids.split(/\s+/).map((id) => page.locator(`[id="${id}"]`).innerText())
	);
	return texts.join(' ');
}

for (const colorScheme of ['light', 'dark'] as const) {
	test(`a disabled Step looks disabled and says why (${colorScheme})`, async ({ page }) => {
		await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
		await page.goto('/');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
		await expect(page.locator('html')).toHaveAttribute('data-theme', colorScheme);
		const step = button(page, 'Step');
		await expect(page.getByTestId('timeline-position')).toHaveText('step 0 of 0');
		await expect(step).toBeDisabled();
		const off = await looks(step);
		expect(off.cursor).toBe('not-allowed');
		expect(off.opacity).toBeLessThan(1);
		// why: as a tooltip, and as its description
		const why = page.getByTestId('timeline-why');
		await expect(why).toContainText(/nothing to step/i);
		expect(await step.getAttribute('title')).toMatch(/nothing to step/i);
		expect(await describedBy(page, step)).toMatch(/nothing to step/i);
		await expect(step).toHaveAccessibleDescription(/nothing to step/i);
		// Step back at step 0 says why too
		const back = button(page, 'Step back');
		await expect(back).toBeDisabled();
		await expect(back).toHaveAccessibleDescription(/step 0/i);
		expect(await back.getAttribute('title')).toMatch(/step 0/i);

		// one write, then back to step 0: Step has a kept future and looks enabled again
		await press(page, 'Write');
		await press(page, 'Step back');
		await expect(step).toBeEnabled();
		await expect(why).toHaveCount(0);
		const on = await looks(step);
		expect(on.cursor).toBe('pointer');
		expect(on.opacity).toBe(1);
		expect(on.background, 'a disabled Step is not the bright accent').not.toBe(off.background);
		expect(await step.getAttribute('title')).toBeNull();
	});
}

test('at a lesson question Step and Play wait, and the time bar says predict first', async ({
	page
}) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto('/?lesson=1-reader-page-swap');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	for (let i = 0; i < 50 && (await page.getByTestId('lesson-question').count()) === 0; i++) {
		await press(page, 'Step');
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	}
	await expect(page.getByTestId('lesson-question')).toBeVisible();
	const step = button(page, 'Step');
	const play = button(page, 'Play');
	await expect(step).toBeDisabled();
	await expect(play).toBeDisabled();
	await expect(page.getByTestId('timeline-why')).toBeVisible();
	await expect(page.getByTestId('timeline-why')).toContainText('Predict first');
	await expect(step).toHaveAccessibleDescription(/Predict first/);
	await expect(play).toHaveAccessibleDescription(/Predict first/);
	expect(await step.getAttribute('title')).toMatch(/Predict first/);
	expect((await looks(step)).cursor).toBe('not-allowed');
	// nor does a lane step past the question
	const laneStep = page.getByTestId('lanes').getByRole('button', { name: /^Step / });
	await expect(laneStep).toHaveCount(1);
	await expect(laneStep).toBeDisabled();
	await expect(laneStep).toHaveAccessibleDescription(/Predict first/);

	// answering lets the lesson go on: the reason goes away
	await page.getByTestId('lesson-question').getByRole('radio').first().check();
	await page.getByRole('button', { name: 'Check my prediction' }).click();
	await expect(page.getByTestId('lesson-verdict')).toBeVisible();
	await expect(page.getByText('Predict first')).toHaveCount(0);
	await expect(step).not.toHaveAttribute('title', /Predict first/);
});
