// Issue 14, item 1: playing the timeline runs clean. The fixture (fixtures.ts) fails any test on a
// page error or a console error, so these tests fail on the `effect_update_depth_exceeded` errors
// Play used to throw (about two per step).
import { LAB_OPTIONS, button, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

test('Write x3, step back to 0, Play: it plays to the end with no page error', async ({ lab }) => {
	await press(lab, 'Write', 3);
	await press(lab, 'Step back', 3);
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 0 of 3');
	await button(lab, 'Play').click();
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 3 of 3');
	await expect(button(lab, 'Play')).toBeVisible();
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
});

test('lesson 3 plays to its question with no page error', async ({ page }) => {
	await page.goto('/?lesson=3-nested-writers-commit');
	await expect(page.getByTestId('lesson')).toBeVisible();
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await button(page, 'Play').click();
	await expect(page.getByTestId('lesson-question')).toBeVisible();
	await expect(button(page, 'Play')).toBeVisible();
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
});
