// Step mode and time travel (issue 6): a task writer interrupted by an IRQ writer in the middle of
// its reservation, and an NMI writer inside that IRQ; the nesting rule shown on the lanes; step
// back to the start and forward again to a byte-identical state; the slider and the keyboard.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, button, engineState, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

async function idle(page: Page) {
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
}

async function spawn(page: Page, kind: string) {
	await page.getByLabel('New context', { exact: true }).selectOption(kind);
	await button(page, 'Spawn').click();
	await idle(page);
}

async function stepCtx(page: Page, name: string, times = 1) {
	for (let i = 0; i < times; i++) {
		await button(page, `Step ${name}`).click();
		await idle(page);
	}
}

/** The engine's whole state as the page reads it, as hex (a fingerprint of every byte). */
function stateBytes(page: Page): Promise<string> {
	return page.evaluate(async () => {
		await window.ringlab!.idle();
		return window.ringlab!.stateHex();
	});
}

test('an IRQ interrupts a task write between [B] and [C], an NMI interrupts the IRQ; back to the start and forward again', async ({
	lab
}) => {
	await spawn(lab, 'task');
	const task = lab.getByTestId('lane-task1');
	// lock_reserve, start_commit, swap guard, [A], [B]: the task is about to reserve ([C])
	await stepCtx(lab, 'task1', 5);
	await expect(lab.getByTestId('lane-task1-kernel')).toHaveText('__rb_reserve_next');
	await expect(task.locator('li[aria-current="step"]')).toContainText('[C]');

	await spawn(lab, 'irq');
	await stepCtx(lab, 'irq1', 1);
	// the task is interrupted: it cannot step until the IRQ finishes
	await expect(lab.getByTestId('lane-task1-blocked')).toContainText('interrupted by "irq1"');
	await expect(button(lab, 'Step task1')).toBeDisabled();
	await stepCtx(lab, 'irq1', 4);

	await spawn(lab, 'nmi');
	await stepCtx(lab, 'nmi1', 2);
	await expect(lab.getByTestId('lane-irq1-blocked')).toContainText('interrupted by "nmi1"');
	await button(lab, 'Finish nmi1').click();
	await idle(lab);
	await expect(lab.getByTestId('lane-nmi1')).toHaveCount(0);
	await expect(lab.getByTestId('narration')).toContainText('finish ctx=nmi1');
	// the NMI's event is in, the IRQ's and the task's still in flight
	expect((await engineState(lab)).cpus[0]!.counters.entries).toBe(1);
	await stepCtx(lab, 'irq1', 1);

	const end = await stateBytes(lab);
	const length = Number(await lab.getByTestId('timeline-slider').getAttribute('max'));
	await expect(lab.getByTestId('timeline-position')).toHaveText(`step ${length} of ${length}`);

	// back to the start, one step at a time with the keyboard for the first few, then the slider
	await lab.locator('body').press('PageUp');
	await idle(lab);
	await expect(lab.getByTestId('timeline-position')).toHaveText(
		`step ${length - 1} of ${length}`
	);
	await lab.getByTestId('timeline-slider').fill('0');
	await idle(lab);
	await expect(lab.getByTestId('timeline-position')).toHaveText(`step 0 of ${length}`);
	await expect(lab.getByTestId('lanes').locator('article')).toHaveCount(0);
	expect((await engineState(lab)).cpus[0]!.counters.entries).toBe(0);

	// forward again through the kept future, with Step and PageDown
	await button(lab, 'Step').click();
	await idle(lab);
	await expect(lab.getByTestId('lane-task1')).toBeVisible();
	for (let i = 1; i < length; i++) {
		await lab.locator('body').press('PageDown');
		await idle(lab);
	}
	await expect(lab.getByTestId('timeline-position')).toHaveText(`step ${length} of ${length}`);
	expect(await stateBytes(lab)).toBe(end);
	await expect(lab.getByTestId('lane-irq1')).toBeVisible();
	await expect(lab.getByTestId('lane-task1-blocked')).toContainText('irq1');
});

test('next moment jumps to where an overwriting burst loses events, and step back undoes it', async ({
	lab
}) => {
	await lab.getByLabel('Size', { exact: true }).fill('1000');
	await lab.getByLabel('Burst of', { exact: true }).fill('6');
	for (let i = 0; i < 4; i++) {
		await button(lab, 'Burst').click();
		await idle(lab);
	}
	await lab.getByTestId('timeline-slider').fill('0');
	await idle(lab);
	await lab.getByLabel('Kind of moment').selectOption('lost-events');
	await button(lab, 'Next moment').click();
	await idle(lab);
	await expect(lab.getByTestId('narration')).toContainText('lost');
	const at = await lab.getByTestId('timeline-position').textContent();
	const overrun = (await engineState(lab)).cpus[0]!.counters.overrun;
	expect(overrun).toBeGreaterThan(0);
	await button(lab, 'Step back').click();
	await idle(lab);
	expect((await engineState(lab)).cpus[0]!.counters.overrun).toBe(0);
	await expect(lab.getByTestId('timeline-position')).not.toHaveText(at!);
});

test('the URL carries the schedule and the step: a new page lands on the same state', async ({
	lab,
	context
}) => {
	await button(lab, 'Write').click();
	await idle(lab);
	await spawn(lab, 'task');
	await stepCtx(lab, 'task1', 5);
	await spawn(lab, 'irq');
	await stepCtx(lab, 'irq1', 3);
	await button(lab, 'Step back').click();
	await idle(lab);
	const where = await lab.getByTestId('timeline-position').textContent();
	const at = /step (\d+) of/.exec(where!)![1];
	await expect.poll(() => lab.url()).toContain(`&at=${at}`);
	expect(lab.url()).toContain('?scenario=');
	const bytes = await stateBytes(lab);

	const other = await context.newPage();
	await other.emulateMedia({ reducedMotion: 'reduce' });
	await other.goto(lab.url());
	await idle(other);
	await expect(other.getByTestId('timeline-position')).toHaveText(where!);
	expect(await stateBytes(other)).toBe(bytes);
	await expect(other.getByTestId('lane-irq1')).toBeVisible();
	await expect(other.getByTestId('lane-task1-blocked')).toContainText('irq1');
	// the kept future came along: Step goes forward to the end as on the first page
	await button(other, 'Step').click();
	await idle(other);
	await expect(other.getByTestId('timeline-position')).not.toHaveText(where!);
});

test('a bad link says what is wrong and leaves the default lab working', async ({ page }) => {
	await page.goto('/?scenario=%%%not-base64&at=3');
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await expect(page.getByTestId('link-error')).toContainText('not valid base64url');
	await button(page, 'Write').click();
	await idle(page);
	expect((await engineState(page)).cpus[0]!.counters.entries).toBe(1);
	const bad = Buffer.from(
		JSON.stringify({ ringlab: 1, steps: [{ op: 'write', cpu: 9 }] })
	).toString('base64url');
	await page.goto(`/?scenario=${bad}`);
	await expect(page.getByTestId('link-error')).toContainText('$.steps[0].cpu');
});
