// Issue 14, item 4: every control has a test id that selects it alone, with its accessible name
// (docs/spec.md §4 lists them), and the test-id prefixes do not overlap (`pgoff-` is only the
// pgoff chips).
import { LAB_OPTIONS, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

/** Test id -> the control's accessible name (docs/spec.md, "Controls"). */
const CONTROLS: Record<string, string> = {
	'control-write': 'Write',
	'control-burst': 'Burst',
	'control-writer': 'Start writer',
	'control-consume': 'Consume',
	'control-readPage': 'Read page',
	'control-map': 'Map',
	'control-unmap': 'Unmap',
	'control-getReader': 'Get reader',
	'control-resize': 'Resize',
	'control-subbufOrder': 'Set order',
	'control-reset': 'Reset',
	'control-snapshot': 'Snapshot',
	'control-snapshotFree': 'Free snapshot',
	'control-step': 'Step',
	'control-step-back': 'Step back',
	'control-play': 'Play',
	'control-previous-moment': 'Previous moment',
	'control-next-moment': 'Next moment',
	'control-spawn': 'Spawn',
	'lane-task1-step': 'Step task1',
	'lane-task1-finish': 'Finish task1'
};

/** Test id -> the field's label. */
const FIELDS: Record<string, string> = {
	'field-kernel': 'Kernel',
	'field-cpus': 'CPUs',
	'field-overwrite': 'Overwrite',
	'field-tracing': 'Tracing on',
	'field-size': 'Size',
	'field-ctx': 'Context',
	'field-burst': 'Burst of',
	'field-rate': 'Rate',
	'field-wsize': 'Event size',
	'field-all-cpus': 'all CPUs',
	'field-count': 'Events to consume',
	'field-subbufs': 'Sub-buffers',
	'field-order': 'Sub-buffer order',
	'field-speed': 'Speed (steps per second)',
	'field-moment-kind': 'Kind of moment',
	'field-spawn-kind': 'New context'
};

test('each control and field has a test id of its own and the documented name', async ({ lab }) => {
	await lab.getByTestId('control-write').click();
	await lab.getByTestId('control-map').click();
	await lab.getByTestId('field-spawn-kind').selectOption('task');
	await lab.getByTestId('control-spawn').click();
	await expect(lab.getByTestId('lane-task1')).toBeVisible();
	for (const [id, name] of Object.entries(CONTROLS)) {
		await expect(lab.getByTestId(id), id).toHaveCount(1);
		await expect(lab.getByTestId(id), id).toHaveAccessibleName(name);
	}
	for (const [id, label] of Object.entries(FIELDS)) {
		await expect(lab.getByTestId(id), id).toHaveCount(1);
		await expect(lab.getByTestId(id), id).toHaveAccessibleName(label);
	}
	// "Count" was the label of three elements; the consume count's label is now its own
	await expect(lab.getByLabel('Events to consume')).toHaveCount(1);
	// every element whose test id starts with pgoff- is a pgoff chip
	const prefixed = lab.locator('[data-testid^="pgoff-"]');
	expect(await prefixed.count()).toBeGreaterThan(1);
	for (const chip of await prefixed.all())
		expect(await chip.getAttribute('data-testid')).toMatch(/^pgoff-\d+$/);
	await expect(lab.getByTestId('mapped-subbuf-0')).toHaveCount(1);
});
