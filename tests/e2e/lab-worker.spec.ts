// The lab runs the engine in a Worker and plays user space: with cross-origin isolation it draws
// the Worker's SharedArrayBuffer in place (the continuous writer's threads write into it and the
// drawing moves with no reply from the engine); without isolation it says so and still works,
// with batches of writes through the engine and a copy of the state with each reply.
import { LAB_OPTIONS, STATIC_URL, button, counter, engineState, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

const entries = async (page: import('@playwright/test').Page) =>
	Number(await counter(page, 0, 'entries').textContent());

test('isolated: writer threads write into the shared state and the page reads it in place', async ({
	lab
}) => {
	const before = await lab.evaluate(() => window.ringlab!.engine());
	expect(before).toMatchObject({ transport: 'shared', stateIsShared: true });
	await lab.getByLabel('Rate', { exact: true }).fill('0');
	await button(lab, 'Start writer').click();
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'running');
	await expect(lab.getByTestId('writer-mode')).toHaveText('writer threads over shared memory');
	await expect.poll(() => entries(lab), { timeout: 10_000 }).toBeGreaterThan(50);
	const a = await lab.evaluate(() => window.ringlab!.engine());
	await expect.poll(() => entries(lab), { timeout: 10_000 }).not.toBe(await entries(lab));
	await expect
		.poll(async () => (await lab.evaluate(() => window.ringlab!.engine())).written)
		.toBeGreaterThan(a.written);
	// The counters moved while the engine Worker sent nothing: the page read its memory in place.
	const b = await lab.evaluate(() => window.ringlab!.engine());
	expect(b.replies).toBe(a.replies);
	await lab.screenshot({ path: 'test-results/lab-writer-threads.png' });
	await button(lab, 'Stop writer').click();
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	const state = await engineState(lab);
	const c = state.cpus[0]!.counters;
	const written = (await lab.evaluate(() => window.ringlab!.engine())).written;
	// Every event the threads wrote is in the buffer or was overwritten.
	expect(c.entries).toBe(written);
	await expect(lab.getByTestId('event-log')).toContainText(
		`# continuous writer stopped: ${written} events written`
	);
	await expect(lab.getByTestId('violations')).toHaveCount(0);
});

test('the continuous writer refuses a payload too small for its stamp, and nothing starts', async ({
	lab
}) => {
	await lab.getByLabel('Event size', { exact: true }).fill('4');
	await button(lab, 'Start writer').click();
	await expect(lab.getByTestId('outcome-writer')).toContainText('EINVAL');
	await expect(lab.getByTestId('outcome-writer')).toContainText('at least 8 bytes');
	await expect(button(lab, 'Start writer')).toBeVisible();
	expect((await engineState(lab)).cpus[0]!.counters.entries).toBe(0);
});

test('static host without headers: the lab says it copies, and the writer runs as batches', async ({
	page
}) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto(`${STATIC_URL}/`);
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);
	await expect(page.getByTestId('copying-banner')).toContainText('Copying transport, slower.');
	await expect(page.getByTestId('transport')).toContainText('copied view');
	await expect(page.getByTestId('transport')).toHaveAttribute('title', /copying transport/);
	expect(await page.evaluate(() => window.ringlab!.engine())).toMatchObject({
		transport: 'copy',
		stateIsShared: false
	});
	await page.getByLabel('Rate', { exact: true }).fill('2000');
	await button(page, 'Start writer').click();
	await expect(page.getByTestId('writer-mode')).toContainText('batches through the engine');
	await expect.poll(() => entries(page), { timeout: 10_000 }).toBeGreaterThan(100);
	await button(page, 'Stop writer').click();
	await expect(page.locator('body')).toHaveAttribute('data-engine', 'idle');
	await page.screenshot({ path: 'test-results/lab-copying.png' });
	const written = (await page.evaluate(() => window.ringlab!.engine())).written;
	const c = (await page.evaluate(() => window.ringlab!.state())).cpus[0]!.counters;
	expect(c.entries).toBe(written);
	await button(page, 'Write').click();
	await expect(counter(page, 0, 'entries')).toHaveText(String(written + 1));
});

test('after the continuous writer the time bar says its writes are not replayable, and the link keeps the machine', async ({
	lab
}) => {
	await lab.getByLabel('CPUs', { exact: true }).selectOption('4');
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	await lab.getByLabel('Rate', { exact: true }).fill('0');
	await button(lab, 'Start writer').click();
	await expect.poll(() => entries(lab), { timeout: 10_000 }).toBeGreaterThan(50);
	await button(lab, 'Stop writer').click();
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	const written = (await lab.evaluate(() => window.ringlab!.engine())).written;
	const notice = lab.getByTestId('off-timeline');
	await expect(notice).toContainText(
		`${written.toLocaleString('en')} events by the continuous writer are not on the timeline`
	);
	await expect(notice).toContainText('cannot be stepped back or replayed');
	await expect(notice).toContainText('Linux 6.10, 4 CPUs');
	await expect(lab.getByTestId('narration')).not.toContainText('Nothing has happened yet');
	await lab.screenshot({ path: 'test-results/lab-off-timeline.png' });
	// The URL (what Copy link copies) keeps the machine, without the writer's events.
	await expect.poll(() => new URL(lab.url()).searchParams.get('scenario')).not.toBeNull();
	const code = new URL(lab.url()).searchParams.get('scenario')!;
	const scenario = JSON.parse(Buffer.from(code, 'base64url').toString('utf8')) as {
		config: { cpus: number };
		steps: unknown[];
	};
	expect(scenario.config.cpus).toBe(4);
	expect(scenario.steps).toEqual([]);
	await lab.goto(lab.url());
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	await expect(lab.getByTestId('ring-cpu-3')).toBeVisible();
	expect(await entries(lab)).toBe(0);
});
