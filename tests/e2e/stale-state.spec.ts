// Issue 14, item 5: a new machine (Kernel, CPUs, Overwrite) is a new timeline: the time bar, the
// narration and the moment ticks start again, and the URL always reloads to what is on screen.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, button, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

/** The scenario and position the page's URL carries now (null for a bare URL). */
function linkOf(page: Page): { scenario: Record<string, unknown>; at: string | null } | null {
	const q = new URL(page.url()).searchParams;
	const code = q.get('scenario');
	if (!code) return null;
	return {
		scenario: JSON.parse(Buffer.from(code, 'base64url').toString('utf8')) as Record<
			string,
			unknown
		>,
		at: q.get('at')
	};
}

test('Kernel, CPUs and Overwrite start a new timeline, and the URL follows at once', async ({
	lab
}) => {
	await press(lab, 'Write', 3);
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 3 of 3');
	await expect(lab.getByTestId('narration')).toContainText('write');

	await lab.getByLabel('Kernel', { exact: true }).selectOption('6.12');
	await expect(lab.getByTestId('kernel-version')).toHaveText('Linux 6.12');
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 0 of 0');
	await expect(lab.getByTestId('narration')).toContainText('Nothing has happened yet');
	await expect(lab.getByTestId('timeline').locator('.tick')).toHaveCount(0);
	await expect(button(lab, 'Step back')).toBeDisabled();
	await expect
		.poll(() => linkOf(lab))
		.toEqual({
			scenario: expect.objectContaining({ config: { kernel: '6.12', cpus: 2 }, steps: [] }),
			at: '0'
		});

	// Overwrite off: the URL says so before any other action
	await lab.getByLabel('Overwrite', { exact: true }).uncheck();
	await expect
		.poll(() => linkOf(lab)?.scenario.config)
		.toEqual({ kernel: '6.12', cpus: 2, overwrite: false });

	// a write and a step back keep the machine in the URL
	await press(lab, 'Write');
	await press(lab, 'Step back');
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 0 of 1');
	await expect
		.poll(() => linkOf(lab))
		.toMatchObject({
			scenario: {
				config: { kernel: '6.12', cpus: 2, overwrite: false },
				steps: [{ op: 'write' }]
			},
			at: '0'
		});

	// and it reloads to what was on screen
	await lab.reload();
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	await expect(lab.getByTestId('link-error')).toHaveCount(0);
	await expect(lab.getByTestId('kernel-version')).toHaveText('Linux 6.12');
	await expect(lab.getByLabel('Overwrite', { exact: true })).not.toBeChecked();
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 0 of 1');

	// CPUs: a new timeline again
	await lab.getByLabel('CPUs', { exact: true }).selectOption('3');
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 0 of 0');
	await expect
		.poll(() => linkOf(lab)?.scenario.config)
		.toEqual({ kernel: '6.12', cpus: 3, overwrite: false });
});
