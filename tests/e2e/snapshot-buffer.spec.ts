// Issue 14 item 13: the snapshot buffer's swapped-out data can be seen: after a snapshot swap the
// events it took out of the live buffer are listed, in the order a reader would take them.
import { LAB_OPTIONS, counter, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

test('after a snapshot swap the events it took out are shown in the snapshot buffer', async ({
	lab
}) => {
	await expect(lab.getByTestId('snapshot-buffer')).toHaveCount(0);
	await press(lab, 'Write', 3);
	await press(lab, 'Snapshot');
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	// the live buffer is the old (empty) snapshot buffer now
	await expect(counter(lab, 0, 'entries')).toHaveText('0');
	const cpu0 = lab.getByTestId('snapshot-cpu-0');
	await expect(cpu0).toContainText('CPU 0: 3 events');
	await expect(cpu0.locator('li')).toHaveCount(3);
	await expect(cpu0.locator('li').first()).toContainText(/^ts \d+ · 16 bytes · page \d+$/);
	await expect(lab.getByTestId('snapshot-cpu-1')).toContainText('CPU 1: 0 events');
	await press(lab, 'Free snapshot');
	await expect(lab.getByTestId('snapshot-buffer')).toHaveCount(0);
});
