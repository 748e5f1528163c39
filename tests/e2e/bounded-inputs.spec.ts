// Issue 17 item 7: a legal but huge machine is refused with the reason (the state bound), the lab
// keeps working, data-engine never stays at running, and every API call answers.
import { LAB_OPTIONS, button, counter, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

const link = (scenario: object) =>
	`/?scenario=${Buffer.from(JSON.stringify({ ringlab: 1, ...scenario })).toString('base64url')}`;

for (const cpus of [1, 8])
	test(`a ?scenario= of ${cpus} CPU(s) x 4096 sub-buffers of order 8: refused in the link banner, the lab works`, async ({
		page
	}) => {
		await page.goto(link({ config: { cpus, subbufsPerCpu: 4096, subbufOrder: 8 }, steps: [] }));
		await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
		const banner = page.getByTestId('link-error');
		await expect(banner).toContainText('MiB');
		await expect(banner).not.toContainText('not loaded.');
		await expect(banner).not.toContainText('invariant');
		expect(await page.evaluate(() => window.ringlab!.state().then((s) => s.cpus.length))).toBe(
			2
		);
		await press(page, 'Write');
		await expect(counter(page, 0, 'entries')).toHaveText('1');
		await expect(page.getByTestId('violations')).toHaveCount(0);
	});

test('Set order 8 and Resize to 4096 from the controls: refused under the control, no invariant break', async ({
	lab
}) => {
	await lab.getByLabel('Sub-buffer order', { exact: true }).selectOption('8');
	await press(lab, 'Set order');
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	// the order change keeps the buffer's bytes (ring_buffer_subbuf_order_set): 2 sub-buffers at least
	const pages = () => lab.evaluate(() => window.ringlab!.state().then((s) => s.cpus[0]!.nrPages));
	const before = await pages();
	await lab.getByLabel('Sub-buffers', { exact: true }).fill('4096');
	await press(lab, 'Resize');
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	const outcome = lab.locator('#outcome-resize');
	await expect(outcome.locator('.errno')).toHaveText('ENOMEM');
	await expect(outcome).toContainText('MiB');
	await expect(lab.getByTestId('violations')).toHaveCount(0);
	await press(lab, 'Write');
	await expect(counter(lab, 0, 'entries')).toHaveText('1');
	// the refusal left the ring as it was
	expect(await pages()).toBe(before);
	await expect(button(lab, 'Write')).toBeEnabled();
});
