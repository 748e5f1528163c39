// What changed, shown (issue 13 item 3): bytes a writer reserved but has not committed are drawn
// as reserved in the ring and in the inspector's strip, and a pointer a step moved is marked for
// that step only.
import { LAB_OPTIONS, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

// As in screenshots.spec.ts: committed images are refreshed on purpose (UPDATE_SCREENSHOTS=1).
const DIR = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';

const link = (scenario: object, at?: number) =>
	`/?scenario=${Buffer.from(JSON.stringify({ ringlab: 1, ...scenario })).toString('base64url')}` +
	(at === undefined ? '' : `&at=${at}`);

test('an interrupted writer’s reserved bytes are drawn as reserved, in the ring and the inspector', async ({
	page
}) => {
	await page.goto(
		link({
			config: { cpus: 1 },
			steps: [
				{ op: 'write', cpu: 0, size: 16 },
				// the task stops right after __rb_reserve_next's local_add_return: 20..128 reserved
				{
					op: 'spawn',
					as: 't',
					cpu: 0,
					ctx: 'task',
					do: { op: 'write', cpu: 0, size: 104 }
				},
				{ op: 'step', ctx: 't', n: 6 }
			]
		})
	);
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	const tail = page.getByTestId('pointer-0-tail');
	const tailPage = await tail.getAttribute('data-page');
	const sub = page.locator(`[data-testid^="subbuf-0-"][data-page="${tailPage}"]`);
	await expect(sub).toHaveAttribute('data-commit', '20');
	await expect(sub).toHaveAttribute('data-reserved', '108');
	await expect(sub).toHaveAttribute('aria-label', /108 more reserved by a writer/);
	const band = sub.locator('path.reserved');
	expect(await band.getAttribute('d')).not.toBe('');
	expect(await band.evaluate((e) => getComputedStyle(e).fill)).toMatch(/^url\(/);
	await sub.click();
	await expect(page.getByTestId('strip-reserved')).toHaveAttribute('data-length', '108');
	await expect(page.getByTestId('legend-reserved')).toContainText('108 bytes');
	await page.screenshot({ path: `${DIR}/reserved-1280x720-light.png` });
	await page.getByRole('button', { name: 'Dark theme' }).click();
	await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
	await page.screenshot({ path: `${DIR}/reserved-1280x720-dark.png` });
	// the task finishes: the bytes are committed and nothing is reserved any more
	for (let i = 0; i < 30 && (await page.getByTestId('lanes').locator('article').count()); i++)
		await page.evaluate(() => window.ringlab!.step('t'));
	await expect(sub).toHaveAttribute('data-reserved', '0');
	await expect(sub).toHaveAttribute('data-commit', '128');
	await expect(page.getByTestId('strip-reserved')).toHaveCount(0);
});

test('a pointer a step moved is marked as changed for exactly that step', async ({ page }) => {
	await page.goto(
		link(
			{
				config: { cpus: 1 },
				steps: [
					{ op: 'write', cpu: 0, size: 2000, repeat: 2 },
					{ op: 'write', cpu: 0, size: 2000 }, // does not fit: tail and commit move on
					{ op: 'write', cpu: 0, size: 16 } // fits: they stay
				]
			},
			1
		)
	);
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	const tail = page.getByTestId('pointer-0-tail');
	const commit = page.getByTestId('pointer-0-commit');
	const head = page.getByTestId('pointer-0-head');
	await press(page, 'Step');
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 2 of 3/);
	await expect(tail).toHaveAttribute('data-changed', 'true');
	await expect(commit).toHaveAttribute('data-changed', 'true');
	await expect(head).not.toHaveAttribute('data-changed', 'true');
	await expect(tail.locator('circle.moved')).toBeVisible();
	await page.screenshot({ path: `${DIR}/changed-1280x720-light.png` });
	const moved = await tail.getAttribute('data-page');
	await expect(page.locator(`[data-testid^="subbuf-0-"][data-page="${moved}"]`)).toHaveAttribute(
		'data-changed',
		'true'
	);
	await press(page, 'Step');
	await expect(page.getByTestId('timeline-position')).toHaveText(/^step 3 of 3/);
	await expect(tail).not.toHaveAttribute('data-changed', 'true');
	await expect(commit).not.toHaveAttribute('data-changed', 'true');
	await expect(tail.locator('circle.moved')).toBeHidden();
});
