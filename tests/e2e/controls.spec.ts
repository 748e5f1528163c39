// Every control, driven as a user would (roles and names), checked against the engine's state
// and the counters, the event log and the outcome line next to the control.
import {
	LAB_OPTIONS,
	button,
	chooseCpu,
	counter,
	engineState,
	expect,
	expectRefusal,
	press,
	test
} from './fixtures';

test.use(LAB_OPTIONS);

test('Write, Burst, Consume and Read page move the counters and fill the event log', async ({
	lab
}) => {
	await lab.getByLabel('Size', { exact: true }).fill('24');
	await lab.getByLabel('Context', { exact: true }).selectOption('irq');
	await press(lab, 'Write');
	await lab.getByLabel('Burst of', { exact: true }).fill('9');
	await press(lab, 'Burst');
	await expect(counter(lab, 0, 'entries')).toHaveText('10');
	await expect(counter(lab, 0, 'entries_bytes')).toHaveText(String(10 * 28)); // 24 bytes + the 4-byte header

	await lab.getByLabel('Events to consume', { exact: true }).fill('4');
	await press(lab, 'Consume');
	await expect(counter(lab, 0, 'read')).toHaveText('4');
	const log = lab.getByTestId('event-log');
	await expect(log).toContainText('# consume cpu=0 count=4 -> ok 4 events');
	await expect(log.getByText(/ringlab-0 \[000\] \.\.\.\.\. +0\.\d{9}: 24 bytes/)).toHaveCount(4);

	await press(lab, 'Read page');
	await expect(counter(lab, 0, 'read')).toHaveText('10');
	await expect(log.getByText(/: 24 bytes/)).toHaveCount(10);

	const state = await engineState(lab);
	expect(state.cpus[0]!.counters.entries).toBe(10);
	expect(state.cpus[1]!.counters.entries).toBe(0);
});

test('overwriting a full ring loses events, and Consume prints [LOST N EVENTS]', async ({
	lab
}) => {
	await lab.getByLabel('Size', { exact: true }).fill('1000');
	await lab.getByLabel('Burst of', { exact: true }).fill('40');
	await press(lab, 'Burst');
	const state = await engineState(lab);
	const overrun = state.cpus[0]!.counters.overrun;
	expect(overrun).toBeGreaterThan(0);
	await expect(counter(lab, 0, 'overrun')).toHaveText(String(overrun));
	await press(lab, 'Consume');
	await expect(lab.getByTestId('event-log')).toContainText(`CPU:0 [LOST ${overrun} EVENTS]`);
});

test('Map shows the 6.10 pgoff strip and the meta page; Get reader and Unmap update it', async ({
	lab
}) => {
	await press(lab, 'Burst');
	await press(lab, 'Map');
	const strip = lab.getByTestId('mapping');
	await expect(strip.getByTestId('pgoff-0')).toHaveAttribute('data-kind', 'meta');
	// 6.10: sub-buffer ID N at pgoff 1 + N (order 0); 4 sub-buffers + the reader page.
	for (let id = 0; id < 5; id++)
		await expect(strip.getByTestId(`pgoff-${1 + id}`)).toHaveAttribute('data-id', String(id));
	await expect(strip.getByTestId('pgoff-6')).toHaveCount(0);
	await expect(lab.getByTestId('meta-meta_page_size')).toHaveText('4096');
	await expect(lab.getByTestId('meta-meta_struct_len')).toHaveText('80');
	await expect(lab.getByTestId('meta-nr_subbufs')).toHaveText('5');
	await expect(lab.getByTestId('meta-entries')).toHaveText('50');
	await expect(lab.getByTestId('meta-reader.id')).toHaveText('0');
	await expect(lab.getByTestId('meta-read')).toHaveText('0');

	// Each pgoff is linked to its page: the ID in the strip is the ID the ring shows there.
	const page = await strip.getByTestId('pgoff-3').getAttribute('data-page');
	await expect(lab.getByTestId('subbuf-0-2')).toHaveAttribute('data-page', page!);
	await strip.getByTestId('mapped-subbuf-2').click();
	await expect(lab.getByTestId('inspector')).toContainText('Sub-buffer ID 2 of CPU 0');

	await press(lab, 'Get reader');
	const state = await engineState(lab);
	const reader = state.cpus[0]!.pages[state.cpus[0]!.reader]!;
	await expect(lab.getByTestId('meta-reader.id')).toHaveText(String(reader.id));
	await expect(lab.getByTestId('meta-read')).toHaveText('50');
	await expect(lab.getByTestId('meta-reader.read')).toHaveText(String(reader.commit));
	await expect(lab.getByTestId('event-log').getByText(/: 16 bytes/)).toHaveCount(50);

	await press(lab, 'Unmap');
	await expect(strip.getByTestId('pgoff-0')).toHaveCount(0);
	await expect(strip).toContainText('CPU 0 is not mapped');
	await expect(lab.getByTestId('subbuf-0-0')).toHaveCount(0);
});

test('kernel 6.12 with order 1 pads the meta area with a zero page', async ({ lab }) => {
	await lab.getByLabel('Kernel', { exact: true }).selectOption('6.12');
	await expect(lab.getByTestId('kernel-version')).toHaveText('Linux 6.12');
	await lab.getByLabel('Sub-buffer order', { exact: true }).selectOption('1');
	await press(lab, 'Set order');
	expect((await engineState(lab)).subbufSize).toBe(8192);
	await press(lab, 'Map');
	const strip = lab.getByTestId('mapping');
	await expect(strip.getByTestId('pgoff-0')).toHaveAttribute('data-kind', 'meta');
	await expect(strip.getByTestId('pgoff-1')).toHaveAttribute('data-kind', 'zero');
	// The order change kept the buffer's size: fewer, larger sub-buffers.
	const nr = (await engineState(lab)).cpus[0]!.nrPages + 1;
	await expect(lab.getByTestId('meta-nr_subbufs')).toHaveText(String(nr));
	// 6.12: sub-buffer ID N at pgoff (N + 1) * 2^order, two pgoffs each.
	for (let id = 0; id < nr; id++)
		for (const sub of [0, 1])
			await expect(strip.getByTestId(`pgoff-${(id + 1) * 2 + sub}`)).toHaveAttribute(
				'data-id',
				String(id)
			);
	await expect(strip.getByTestId(`pgoff-${(nr + 1) * 2}`)).toHaveCount(0);
	await expect(lab.getByTestId('meta-meta_page_size')).toHaveText('8192');
	await expect(lab.getByTestId('meta-subbuf_size')).toHaveText('8192');
});

test('refusals show errno and reason next to the control that caused them', async ({ lab }) => {
	// Get reader while unmapped: ENODEV.
	await press(lab, 'Get reader');
	await expectRefusal(lab, button(lab, 'Get reader'), 'ENODEV');
	await expect(lab.locator('#outcome-getReader')).toContainText('not mapped');

	// Resize, Set order and Snapshot while mapped: EBUSY.
	await press(lab, 'Map');
	await lab.getByLabel('Sub-buffers', { exact: true }).fill('6');
	await press(lab, 'Resize');
	await expectRefusal(lab, button(lab, 'Resize'), 'EBUSY');
	await expect(lab.locator('#outcome-resize')).toContainText('memory-mapped');
	await expect(lab.locator('#outcome-getReader')).toBeEmpty();
	await press(lab, 'Set order');
	await expectRefusal(lab, button(lab, 'Set order'), 'EBUSY');
	await press(lab, 'Snapshot');
	await expectRefusal(lab, button(lab, 'Snapshot'), 'EBUSY');

	// Map while a snapshot is armed: EBUSY next to Map.
	await press(lab, 'Unmap');
	await press(lab, 'Snapshot');
	await expect(lab.locator('#outcome-snapshot')).toBeEmpty();
	await press(lab, 'Map');
	await expectRefusal(lab, button(lab, 'Map'), 'EBUSY');
	await press(lab, 'Free snapshot');
	await press(lab, 'Map');
	await expect(lab.locator('#outcome-map')).toBeEmpty();

	// Writing with tracing off: EBUSY; an event larger than a sub-buffer: EINVAL.
	await lab.getByRole('checkbox', { name: 'Tracing on' }).uncheck();
	await press(lab, 'Write');
	await expectRefusal(lab, button(lab, 'Write'), 'EBUSY');
	await expect(lab.locator('#outcome-write')).toContainText('recording is off');
	await lab.getByRole('checkbox', { name: 'Tracing on' }).check();
	await lab.getByLabel('Size', { exact: true }).fill('5000');
	await press(lab, 'Write');
	await expectRefusal(lab, button(lab, 'Write'), 'EINVAL');
	await expect(lab.getByTestId('event-log')).toContainText('EINVAL');
});

test('producer/consumer mode drops the newest events when full (EBUSY on Burst)', async ({
	lab
}) => {
	await lab.getByRole('checkbox', { name: 'Overwrite' }).uncheck();
	await expect(lab.getByText('producer/consumer', { exact: true })).toBeVisible();
	await lab.getByLabel('Size', { exact: true }).fill('2000');
	await lab.getByLabel('Burst of', { exact: true }).fill('12');
	await press(lab, 'Burst');
	await expectRefusal(lab, button(lab, 'Burst'), 'EBUSY');
	const state = await engineState(lab);
	const dropped = state.cpus[0]!.counters.dropped_events;
	expect(dropped).toBeGreaterThan(0);
	await expect(counter(lab, 0, 'dropped_events')).toHaveText(String(dropped));
	await expect(lab.locator('#outcome-burst')).toContainText(`${12 - dropped} written`);
});

test('Resize, Reset, Snapshot, tracing and the CPU count', async ({ lab }) => {
	await chooseCpu(lab, 1);
	await lab.getByLabel('Sub-buffers', { exact: true }).fill('7');
	await press(lab, 'Resize');
	await expect(lab.getByTestId('ring-cpu-1').locator('[data-role=ring]')).toHaveCount(7);
	await expect(lab.getByTestId('ring-cpu-0').locator('[data-role=ring]')).toHaveCount(4);

	await press(lab, 'Burst');
	await expect(counter(lab, 1, 'entries')).toHaveText('50');
	await press(lab, 'Snapshot');
	await expect(lab.locator('#outcome-snapshot')).toBeEmpty();
	// The swap hands CPU 1 the (empty) snapshot buffer's pages.
	expect((await engineState(lab)).cpus[1]!.pages.every((p) => p.commit === 0)).toBe(true);
	await press(lab, 'Burst');
	await press(lab, 'Reset');
	await expect(counter(lab, 1, 'entries')).toHaveText('0');

	await lab.getByRole('checkbox', { name: 'Tracing on' }).uncheck();
	await expect(lab.getByText('tracing off')).toBeVisible();
	expect((await engineState(lab)).tracingOn).toBe(false);

	await lab.getByLabel('CPUs', { exact: true }).selectOption('8');
	await expect(lab.locator('[data-testid^=ring-cpu-]')).toHaveCount(8);
	await chooseCpu(lab, 7);
	await press(lab, 'Write');
	await expect(counter(lab, 7, 'entries')).toHaveText('1');
});
