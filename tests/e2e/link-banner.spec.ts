// Issue 14, item 7: a link that is only partly good says what was loaded and where it stands,
// instead of calling the loaded lab "the default one"; a lesson opened past its end starts at its
// intro, not at a question that can no longer be answered.
import { LAB_OPTIONS, button, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

test('a lesson link with a position past its end loads the lesson at its start and says so', async ({
	page
}) => {
	await page.goto('/?lesson=1-reader-page-swap&at=99999');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	const banner = page.getByTestId('link-error');
	await expect(banner).toContainText('Part of the link could not be followed.');
	await expect(banner).toContainText('position 99999 is outside the timeline');
	await expect(banner).toContainText(
		/The lab below shows "Lesson: the reader-page swap" \(\d+ steps\) at step 0\./
	);
	await expect(banner).not.toContainText('default');
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 0 of \d+$/);
	await expect(page.getByTestId('lesson')).toContainText('Press Step');
	await expect(button(page, 'Step')).toBeEnabled();
});

test('a scenario link with a position past its end: loaded, shown at its start, and said', async ({
	page
}) => {
	const scenario = {
		ringlab: 1,
		title: 'three writes',
		config: { cpus: 1 },
		steps: [{ op: 'write', cpu: 0, size: 8, repeat: 3 }]
	};
	const code = Buffer.from(JSON.stringify(scenario)).toString('base64url');
	await page.goto(`/?scenario=${code}&at=7`);
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	const banner = page.getByTestId('link-error');
	await expect(banner).toContainText('position 7 is outside the timeline (0..1)');
	await expect(banner).toContainText('The lab below shows "three writes" (1 step) at step 0.');
	await expect(page.getByTestId('timeline-position')).toHaveText('step 0 of 1');
});
