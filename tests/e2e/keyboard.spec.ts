// Keyboard shortcuts, the `?` overlay, and a focus order that follows the page.
import { LAB_OPTIONS, counter, engineState, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

test('shortcuts run the controls on the chosen CPU; ? lists them and Esc closes the list', async ({
	lab
}) => {
	await lab.keyboard.press('w');
	await lab.keyboard.press('b');
	await expect(counter(lab, 0, 'entries')).toHaveText('51');
	await lab.keyboard.press('2');
	await expect(lab.getByRole('radio', { name: 'CPU 1', exact: true })).toBeChecked();
	await lab.keyboard.press('w');
	await expect(counter(lab, 1, 'entries')).toHaveText('1');
	await lab.keyboard.press('m');
	await lab.keyboard.press('g');
	expect((await engineState(lab)).cpus[1]!.mapped).toBe(1);
	await expect(lab.getByTestId('meta-read')).toHaveText('1');
	await lab.keyboard.press('c');
	await lab.keyboard.press('t');
	await expect(lab.getByText('tracing off')).toBeVisible();

	// Typing in a field is not a shortcut.
	await lab.getByLabel('Size', { exact: true }).fill('');
	await lab.getByLabel('Size', { exact: true }).pressSequentially('12');
	await expect(counter(lab, 1, 'entries')).toHaveText('1');
	await lab.getByLabel('Size', { exact: true }).blur();

	await lab.keyboard.press('?');
	const dialog = lab.getByRole('dialog', { name: 'Keyboard shortcuts' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('Get reader (ioctl)');
	await lab.keyboard.press('w'); // ignored while the list is open
	await lab.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(counter(lab, 1, 'entries')).toHaveText('1');

	await lab.keyboard.press('v');
	await expect(lab.getByTestId('table-view')).toBeVisible();
	await lab.keyboard.press('v');
	await lab.keyboard.press('d');
	const theme = await lab.evaluate(() => document.documentElement.dataset.theme);
	await lab.keyboard.press('d');
	expect(await lab.evaluate(() => document.documentElement.dataset.theme)).not.toBe(theme);
	await lab.keyboard.press('o');
	await expect(lab.getByText('producer/consumer', { exact: true })).toBeVisible();
	await lab.keyboard.press('k');
	await expect(lab.getByTestId('kernel-version')).toHaveText('Linux 6.12');
});

test('Tab goes header → machine → CPU → write controls → … → sub-buffers', async ({ lab }) => {
	const order: string[] = [];
	for (let i = 0; i < 19; i++) {
		await lab.keyboard.press('Tab');
		order.push(
			await lab.evaluate(() => {
				const el = document.activeElement as HTMLInputElement;
				if (el.tagName === 'SELECT' && el.getAttribute('aria-label'))
					return el.getAttribute('aria-label')!;
				if (el.type === 'radio') return el.getAttribute('aria-label') ?? '';
				const label = el.labels?.[0]?.textContent?.trim().split(/\s+/)[0];
				return label ?? el.textContent?.trim() ?? el.tagName;
			})
		);
	}
	// The header's tools in reading order (Explore since issue 15's panel).
	expect(order.slice(0, 10)).toEqual([
		'Lesson',
		'Open a capture',
		'Copy link',
		'Embed',
		'Edit scenario',
		'Explore',
		'Drawing',
		'Table',
		'Dark theme',
		'Shortcuts ?'
	]);
	expect(order.slice(10, 14)).toEqual(['Kernel', 'CPUs', 'Overwrite', 'Tracing']);
	expect(order[14]).toBe('CPU 0');
	expect(order.slice(15, 18)).toEqual(['Size', 'Context', 'Write']);
	// Focus moves to the time controls after the controls, then into the drawing.
	await lab.getByRole('button', { name: 'Free snapshot' }).focus();
	await lab.keyboard.press('Tab');
	const inTimeline = () =>
		lab.evaluate(() => !!document.activeElement?.closest('[data-testid="timeline"]'));
	expect(await inTimeline()).toBe(true);
	let tabs = 0;
	while ((await inTimeline()) && tabs++ < 12) await lab.keyboard.press('Tab');
	const focused = await lab.evaluate(() => document.activeElement?.getAttribute('data-testid'));
	expect(focused).toMatch(/^subbuf-0-/);
});
