// The drawing, the table view and the inspector say what the engine's state says.
import type { Page } from '@playwright/test';
import type { RingState } from '../../src/lib/ring';
import { LAB_OPTIONS, chooseCpu, engineState, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

const POINTERS = ['head', 'tail', 'commit', 'reader'] as const;

/** What one CPU's drawing says, read from its data attributes in one go. */
interface Drawn {
	pointers: Record<string, string | null>;
	ring: { page: string | null; commit: string | null; testId: string | null }[];
	reader: { page: string | null; commit: string | null; testId: string | null }[];
	headLinks: (string | null)[];
}

async function readDrawing(page: Page, cpu: number): Promise<Drawn> {
	return page.getByTestId(`ring-cpu-${cpu}`).evaluate((svg, cpu) => {
		const pages = (role: string) =>
			[...svg.querySelectorAll(`[data-role=${role}]`)].map((g) => ({
				page: g.getAttribute('data-page'),
				commit: g.getAttribute('data-commit'),
				testId: g.getAttribute('data-testid')
			}));
		const pointers: Record<string, string | null> = {};
		for (const name of ['head', 'tail', 'commit', 'reader'])
			pointers[name] =
				svg
					.querySelector(`[data-testid=pointer-${cpu}-${name}]`)
					?.getAttribute('data-page') ?? null;
		return {
			pointers,
			ring: pages('ring'),
			reader: pages('reader'),
			headLinks: [...svg.querySelectorAll('[data-testid^=link-][data-flag=HEAD]')].map((l) =>
				l.getAttribute('data-next')
			)
		};
	}, cpu);
}

/** Every CPU's drawing against the state: pointers, sub-buffers, the HEAD link, the reader page. */
async function expectDrawingMatches(page: Page, state: RingState): Promise<void> {
	for (const cpu of state.cpus) {
		const drawn = await readDrawing(page, cpu.cpu);
		const expected = (p: number) => {
			const info = cpu.pages[p]!;
			return {
				page: String(p),
				commit: String(info.commit),
				testId:
					info.id === null ? `subbuf-${cpu.cpu}-p${p}` : `subbuf-${cpu.cpu}-${info.id}`
			};
		};
		expect(drawn.pointers, `CPU ${cpu.cpu} pointers`).toEqual(
			Object.fromEntries(POINTERS.map((name) => [name, String(cpu[name])]))
		);
		const byPage = (a: { page: string | null }, b: { page: string | null }) =>
			Number(a.page) - Number(b.page);
		expect(drawn.ring.sort(byPage), `CPU ${cpu.cpu} ring`).toEqual(
			cpu.ring.map(expected).sort(byPage)
		);
		expect(drawn.reader, `CPU ${cpu.cpu} reader page`).toEqual([expected(cpu.reader)]);
		// The HEAD flag sits on the link of the page before the head page.
		expect(drawn.headLinks, `CPU ${cpu.cpu} HEAD link`).toEqual([String(cpu.head)]);
	}
}

test('pointers, sub-buffers and link flags follow the engine through writes, reads and a map', async ({
	lab
}) => {
	await expectDrawingMatches(lab, await engineState(lab));
	await lab.getByLabel('Size', { exact: true }).fill('400');
	await press(lab, 'Burst');
	await expectDrawingMatches(lab, await engineState(lab));
	await press(lab, 'Read page');
	await press(lab, 'Consume');
	await chooseCpu(lab, 1);
	await press(lab, 'Write', 3);
	await press(lab, 'Map');
	await press(lab, 'Get reader');
	const state = await engineState(lab);
	expect(state.cpus[0]!.counters.overrun).toBeGreaterThan(0);
	expect(state.cpus[1]!.mapped).toBe(1);
	await expectDrawingMatches(lab, state);
	// Once mapped every sub-buffer shows its ID.
	for (const p of [...state.cpus[1]!.ring, state.cpus[1]!.reader]) {
		const id = state.cpus[1]!.pages[p]!.id!;
		await expect(lab.getByTestId(`subbuf-1-${id}`)).toContainText(`ID ${id}`);
	}
	await expect(lab.getByTestId('pointer-1-reader')).toHaveAttribute(
		'data-id',
		String(state.cpus[1]!.pages[state.cpus[1]!.reader]!.id)
	);
});

test('the table view shows the same state as the drawing', async ({ lab }) => {
	await press(lab, 'Burst');
	await press(lab, 'Read page');
	await press(lab, 'Map');
	await lab.getByRole('button', { name: 'Table', exact: true }).click();
	const state = await engineState(lab);
	const table = lab.getByTestId('table-view');
	for (const cpu of state.cpus) {
		for (const name of POINTERS)
			await expect(table.getByTestId(`table-pointer-${cpu.cpu}-${name}`)).toHaveAttribute(
				'data-page',
				String(cpu[name])
			);
		const rows = table
			.getByTestId(`table-cpu-${cpu.cpu}`)
			.locator('[data-testid^=table-page-]');
		await expect(rows).toHaveCount(cpu.nrPages + 1);
		for (const [i, p] of cpu.ring.entries()) {
			const info = cpu.pages[p]!;
			await expect(rows.nth(i)).toContainText(`ring ${i}`);
			await expect(rows.nth(i).locator('td').nth(2)).toHaveText(`${info.commit} / 4080`);
		}
	}
	await expect(lab.locator('[data-testid^=ring-cpu-]')).toHaveCount(0);
	await lab.getByRole('button', { name: 'Drawing', exact: true }).click();
	await expectDrawingMatches(lab, state);
});

test('selecting a sub-buffer shows its header, its records and, on demand, payload bytes', async ({
	lab
}) => {
	await lab.getByLabel('Size', { exact: true }).fill('8');
	await press(lab, 'Write', 3);
	const state = await engineState(lab);
	const tail = state.cpus[0]!.tail;
	const info = state.cpus[0]!.pages[tail]!;
	await lab.getByTestId(`subbuf-0-p${tail}`).click();
	const inspector = lab.getByTestId('inspector');
	await expect(inspector).toContainText(`page ${tail} of CPU 0`);
	await expect(inspector.getByTestId('header-time_stamp')).toHaveText(String(info.timeStamp));
	await expect(inspector.getByTestId('header-commit')).toHaveText(`${info.commit} of 4080`);
	await expect(inspector.getByTestId('header-missed_events')).toHaveText('0');
	await expect(inspector.getByTestId('header-entries')).toHaveText('3');
	const records = inspector.getByTestId('records').locator('tbody tr');
	await expect(records).toHaveCount(3);
	await expect(inspector.locator('[data-testid^=record-][data-kind=data]')).toHaveCount(3);
	await expect(inspector.getByTestId('record-0')).toHaveAttribute('data-length', '16');
	await expect(inspector.getByTestId('payload')).toHaveCount(0);
	await inspector.getByRole('button', { name: 'Bytes of the record at 16' }).click();
	// The second write of this CPU: its sequence number 1, then the letters a..d.
	await expect(inspector.getByTestId('payload')).toContainText('01 00 00 00 61 62 63 64');
	// The same selection from the keyboard, on CPU 1's first page.
	await lab.getByTestId('subbuf-1-p1').focus();
	await lab.keyboard.press('Enter');
	await expect(inspector).toContainText('page 1 of CPU 1');
	await expect(inspector).toContainText('No committed records.');
});

test('a reader swap after overwriting shows RB_MISSED_EVENTS in the reader page header', async ({
	lab
}) => {
	await lab.getByLabel('Size', { exact: true }).fill('1000');
	await lab.getByLabel('Burst of', { exact: true }).fill('30');
	await press(lab, 'Burst');
	await press(lab, 'Read page');
	const state = await engineState(lab);
	const reader = state.cpus[0]!.pages[state.cpus[0]!.reader]!;
	await lab.getByTestId(`subbuf-0-p${reader.page}`).click();
	const inspector = lab.getByTestId('inspector');
	await expect(inspector).toContainText('the reader page');
	await expect(inspector.getByTestId('header-missed_events')).toHaveText(
		reader.missedEvents ? '1' : '0'
	);
	await expect(lab.getByTestId('event-log')).toContainText(/CPU:0 \[LOST \d+ EVENTS\]/);
});
