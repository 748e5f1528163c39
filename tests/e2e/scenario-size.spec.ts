// The 16 MiB scenario bound (issue 17) at every way a scenario enters the page: window.ringlab.load
// (text and object), Open .json and a dropped file, the Edit scenario dialog's JSON and the embed
// API's load. Each oversized scenario is made in the page (valid JSON padded past the bound, so only
// the bound refuses it), never shipped; each is refused with the CLI's words and changes nothing.
// The ?scenario= link is checked by unit test (tests/unit/ring/scenario-size.test.ts): Chromium
// refuses URLs past 2 MB before the page sees them.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, STATIC_URL, button, expect, press, test } from './fixtures';

test.use(LAB_OPTIONS);

const REASON = 'more than 16 MiB: a scenario is at most 16777216 bytes';
const FILE_REASON = 'more than 16 MiB: a scenario file is at most 16777216 bytes';
const VALID = { ringlab: 1, config: { cpus: 1 }, steps: [{ op: 'write', cpu: 0, size: 24 }] };

/** Defines `window.bigScenario()` in the page: VALID as JSON text with 16 MiB of spaces after it. */
async function defineBig(page: Page): Promise<void> {
	await page.evaluate((valid) => {
		(window as unknown as { bigScenario: () => string }).bigScenario = () =>
			JSON.stringify(valid) + ' '.repeat(16 * 1024 * 1024);
	}, VALID);
}

const idle = (page: Page) => page.evaluate(() => window.ringlab!.idle());

/** Two writes and `window.bigScenario()`; returns the state's bytes, to show a refusal kept them. */
async function twoWritesThenBig(lab: Page): Promise<string> {
	await press(lab, 'Write', 2);
	await idle(lab);
	await defineBig(lab);
	return lab.evaluate(() => window.ringlab!.stateHex());
}

test('window.ringlab.load refuses text and objects over 16 MiB, and the lab is unchanged', async ({
	lab
}) => {
	const hex = await twoWritesThenBig(lab);
	const outcome = (asObject: boolean) =>
		lab.evaluate(async (obj) => {
			const text = (window as unknown as { bigScenario: () => string }).bigScenario();
			const arg: unknown = obj
				? { ...(JSON.parse(text) as object), title: text.slice(text.indexOf('}') + 1) }
				: text;
			return window.ringlab!.load(arg).then(
				() => 'loaded',
				(e: Error) => e.message
			);
		}, asObject);
	expect(await outcome(false)).toContain(`the scenario is malformed at $: ${REASON}`);
	expect(await outcome(true)).toContain(`the scenario is malformed at $: ${REASON}`);
	await idle(lab);
	expect(await lab.evaluate(() => window.ringlab!.stateHex())).toBe(hex);
});

test('a .json file over 16 MiB, dropped or opened, is refused by its size; so is the JSON tab', async ({
	lab
}) => {
	const hex = await twoWritesThenBig(lab);
	// dropped on the page, with the editor closed
	await lab.evaluate(() => {
		const dt = new DataTransfer();
		const text = (window as unknown as { bigScenario: () => string }).bigScenario();
		dt.items.add(new File([text], 'big.json', { type: 'application/json' }));
		const target = document.querySelector('main')!;
		for (const type of ['dragover', 'drop'])
			target.dispatchEvent(
				new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true })
			);
	});
	const dialog = lab.getByTestId('scenario-dialog');
	const status = dialog.getByTestId('scenario-status');
	await expect(status).toContainText(
		`big.json did not open: the scenario is malformed at $: ${FILE_REASON}.`
	);
	// opened with the file input
	await dialog.getByTestId('scenario-file').evaluate((input: HTMLInputElement) => {
		const dt = new DataTransfer();
		const text = (window as unknown as { bigScenario: () => string }).bigScenario();
		dt.items.add(new File([text], 'also-big.json', { type: 'application/json' }));
		input.files = dt.files;
		input.dispatchEvent(new Event('change', { bubbles: true }));
	});
	await expect(status).toContainText(
		`also-big.json did not open: the scenario is malformed at $: ${FILE_REASON}.`
	);
	await expect(dialog.getByTestId(/^scenario-step-/)).toHaveCount(2);
	// the Edit scenario dialog's JSON, typed or pasted
	await dialog.getByRole('tab', { name: 'JSON' }).click();
	await dialog.getByTestId('scenario-json').evaluate((area: HTMLTextAreaElement) => {
		area.value = (window as unknown as { bigScenario: () => string }).bigScenario();
		area.dispatchEvent(new Event('input', { bubbles: true }));
	});
	await expect(dialog.getByTestId('scenario-error')).toContainText(`$: ${REASON}`);
	await expect(button(lab, 'Run')).toBeDisabled();
	await idle(lab);
	expect(await lab.evaluate(() => window.ringlab!.stateHex())).toBe(hex);
});

test('the embed API refuses a scenario over 16 MiB with an error reply', async ({
	page,
	baseURL
}) => {
	await page.goto(`${STATIC_URL}/embed-example.html?lab=${encodeURIComponent(baseURL + '/')}`);
	await page.evaluate(
		() =>
			(window as unknown as { ringlabEmbed: { ready: Promise<unknown> } }).ringlabEmbed.ready
	);
	await defineBig(page);
	const reply = await page.evaluate(() => {
		const w = window as unknown as {
			bigScenario: () => string;
			ringlabEmbed: { call(name: string, ...args: unknown[]): Promise<unknown> };
		};
		return w.ringlabEmbed.call('load', w.bigScenario()).then(
			() => 'loaded',
			(e: unknown) => JSON.stringify(e instanceof Error ? e.message : e)
		);
	});
	expect(reply).toContain(`the scenario is malformed at $: ${REASON}`);
});
