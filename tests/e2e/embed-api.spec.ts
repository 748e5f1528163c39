// The embed API (issue 13, spec §4 "Embed API"): a page on another origin embeds the lab in a
// 700x450 iframe and drives it through postMessage, as static/embed-example.html does.
import type { Page } from '@playwright/test';
import { LAB_OPTIONS, STATIC_URL, expect, test } from './fixtures';

test.use(LAB_OPTIONS);

type Reply = { ringlab: 1; id: unknown; ok: boolean; result?: unknown; error?: unknown };
type Position = { ringlab: 1; event: 'position'; position: number; length: number };

declare global {
	interface Window {
		ringlabEmbed: {
			call(name: string, ...args: unknown[]): Promise<unknown>;
			post(msg: unknown): void;
			ready: Promise<{ version: number }>;
			events: { event: string }[];
			replies: Reply[];
		};
	}
}

/** The example page on the plain static host, embedding the lab from the preview server. */
async function openExample(page: Page, baseURL: string): Promise<void> {
	await page.goto(`${STATIC_URL}/embed-example.html?lab=${encodeURIComponent(baseURL + '/')}`);
	const ready = await page.evaluate(() => window.ringlabEmbed.ready);
	expect(ready).toEqual({ ringlab: 1, event: 'ready', version: 1 });
}

const lastPosition = (page: Page) =>
	page.evaluate(
		() =>
			window.ringlabEmbed.events.filter((e) => e.event === 'position').at(-1) as unknown as
				Position | undefined
	);

test('a page on another origin drives the lab in a 700x450 iframe through postMessage', async ({
	page,
	baseURL
}) => {
	await openExample(page, baseURL!);
	const lab = page.frameLocator('iframe#lab');
	expect(new URL(STATIC_URL).origin).not.toBe(new URL(baseURL!).origin);
	// the lesson the URL asked for is loaded before ready: its position came with it
	expect(await lastPosition(page)).toMatchObject({ event: 'position', position: 0 });
	await expect(lab.getByTestId('ring-cpu-0')).toBeInViewport({ ratio: 1 });

	const scenario = {
		ringlab: 1,
		title: 'three writes',
		config: { subbufsPerCpu: 4 },
		steps: [
			{ op: 'write', cpu: 0, size: 16 },
			{ op: 'write', cpu: 0, size: 16 },
			{ op: 'write', cpu: 0, size: 16 }
		]
	};
	const loaded = await page.evaluate((s) => window.ringlabEmbed.call('load', s), scenario);
	expect(loaded).toMatchObject({ ok: true, length: 3 });
	await expect.poll(() => lastPosition(page)).toMatchObject({ position: 0, length: 3 });

	const stepped = (await page.evaluate(() => window.ringlabEmbed.call('step'))) as {
		position: number;
		length: number;
	};
	expect(stepped).toMatchObject({ position: 1, length: 3 });
	await expect.poll(() => lastPosition(page)).toMatchObject({ position: 1, length: 3 });
	await expect(lab.getByTestId('timeline-position')).toHaveText('step 1 of 3');

	expect(await page.evaluate(() => window.ringlabEmbed.call('seek', 3))).toMatchObject({
		position: 3
	});
	await expect.poll(() => lastPosition(page)).toMatchObject({ position: 3, length: 3 });
	const state = (await page.evaluate(() => window.ringlabEmbed.call('state'))) as {
		cpus: { counters: { entries: number } }[];
	};
	expect(state.cpus[0]!.counters.entries).toBe(3);
	const shared = (await page.evaluate(() => window.ringlabEmbed.call('share'))) as {
		scenario: { title: string };
	};
	expect(shared.scenario.title).toBe('three writes');
	await expect(lab.getByTestId('ring-cpu-0')).toBeInViewport({ ratio: 1 });
	await expect(lab.getByTestId('timeline-position')).toBeInViewport({ ratio: 1 });

	// A refused call is an error reply; it moves nothing.
	const refused = await page.evaluate(() =>
		window.ringlabEmbed.call('load', { ringlab: 1, steps: [{ op: 'nope' }] }).then(
			() => null,
			(e: Error) => e.message
		)
	);
	expect(refused).toMatch(/malformed/);
});

test('a malformed message with an id gets an error reply and changes nothing', async ({
	page,
	baseURL
}) => {
	await openExample(page, baseURL!);
	await page.evaluate(() => window.ringlabEmbed.call('step'));
	await expect.poll(() => lastPosition(page)).toMatchObject({ position: 1 });
	const before = await page.evaluate(() => window.ringlabEmbed.call('state'));
	await page.evaluate(() => {
		window.ringlabEmbed.post({ ringlab: 1, id: 'bad-call', call: 'explode' });
		window.ringlabEmbed.post({ ringlab: 1, id: 'bad-args', call: 'seek', args: ['zero'] });
		window.ringlabEmbed.post({ ringlab: 1, call: 'seek', args: [0] }); // no id: ignored
		window.ringlabEmbed.post({ hello: 'world' }); // not for the lab: ignored
	});
	await expect
		.poll(() => page.evaluate(() => window.ringlabEmbed.replies.map((r) => r.id)))
		.toContain('bad-args');
	const replies = await page.evaluate(() =>
		window.ringlabEmbed.replies.filter((r) => String(r.id).startsWith('bad'))
	);
	expect(replies).toEqual([
		{
			ringlab: 1,
			id: 'bad-call',
			ok: false,
			error: { message: expect.stringContaining('"call" must be one of') }
		},
		{
			ringlab: 1,
			id: 'bad-args',
			ok: false,
			error: { message: expect.stringContaining('"seek" takes one argument') }
		}
	]);
	// a call sent after them is answered after them: nothing moved in between
	expect(await page.evaluate(() => window.ringlabEmbed.call('state'))).toEqual(before);
	expect(await lastPosition(page)).toMatchObject({ position: 1 });
	await expect(page.frameLocator('iframe#lab').getByTestId('timeline-position')).toHaveText(
		/^step 1 of/
	);
});

test('the Embed dialog gives an iframe snippet of this step that fits 700x450', async ({
	lab,
	page
}) => {
	await lab.getByRole('button', { name: 'Write', exact: true }).click();
	await lab.getByRole('button', { name: 'Write', exact: true }).click();
	await expect(lab.locator('body')).toHaveAttribute('data-engine', 'idle');
	await lab.getByRole('button', { name: 'Embed', exact: true }).click();
	const html = await lab.getByTestId('embed-snippet').inputValue();
	expect(html).toMatch(/^<iframe src="[^"]*embed=1"[^>]* width="700" height="450"/);
	const src = /src="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
	expect(src).toMatch(/[?&]at=2(&|$)/);
	// An article of our own around the snippet; its icon link keeps Chromium from asking the
	// preview server for /favicon.ico (a 404 the fixture would count as a console error).
	await page.setContent(
		`<!doctype html><link rel="icon" href="data:,">${html.replace(/ loading="lazy"/, '')}`
	);
	const frame = page.frameLocator('iframe');
	await expect(frame.getByTestId('timeline-position')).toHaveText('step 2 of 2');
	await expect(frame.getByTestId('ring-cpu-0')).toBeInViewport({ ratio: 1 });
	await expect(frame.getByTestId('timeline-position')).toBeInViewport({ ratio: 1 });
});

test('&panels= chooses what an embedded lab shows besides nothing', async ({ page }) => {
	await page.setViewportSize({ width: 700, height: 450 });
	await page.goto('/?lesson=1-reader-page-swap&embed=1&panels=ring,counters');
	await expect(page.getByTestId('ring-cpu-0')).toBeInViewport({ ratio: 1 });
	await expect(page.getByTestId('counters')).toHaveCount(1);
	await expect(page.getByTestId('timeline')).toHaveCount(0);
	await expect(page.getByTestId('lesson')).toHaveCount(0);
	await page.goto('/?lesson=1-reader-page-swap&embed=1');
	await expect(page.getByTestId('timeline')).toBeInViewport({ ratio: 1 });
	await expect(page.getByTestId('ring-cpu-0')).toBeInViewport({ ratio: 1 });
	await expect(page.getByTestId('counters')).toHaveCount(0);
});
