/**
 * `npm run bench:page` (also the last part of `npm run bench`, issue 5): the simulator page in
 * headless Chromium against the preview server: the first load (navigation start to the lab being
 * usable, median of fresh browser contexts), the JavaScript it loads (gzip), and frame times with
 * 8 CPUs of 64 sub-buffers while the continuous writer runs. Prints figures and goals; never fails.
 * Env: BENCH_PAGE_RUNS (5 loads), BENCH_PAGE_FRAMES (300 frames), BENCH_NO_BUILD=1 (reuse build).
 */
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from '@playwright/test';
import { launchChromium, startPreview } from './preview';
import { READOUT_MS, ringsPerFrame } from '../src/lib/ui/cadence';

const PORT = 4183;
const URL_ROOT = `http://localhost:${PORT}/`;
const RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 5);
const FRAMES = Number(process.env.BENCH_PAGE_FRAMES ?? 300);

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const ms = (x: number) => `${x.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** One first load in a fresh context: ms to the lab's `ringlab-ready` mark, and the scripts' gzip bytes. */
async function firstLoad(
	browser: Browser
): Promise<{ readyMs: number; scripts: Map<string, number> }> {
	const context = await browser.newContext();
	const page = await context.newPage();
	const scripts = new Map<string, number>();
	const bodies: Promise<void>[] = [];
	page.on('response', (r) => {
		const type = r.request().resourceType();
		if (type !== 'script' && !r.url().endsWith('.js')) return;
		bodies.push(
			r.body().then(
				(b) => void scripts.set(new URL(r.url()).pathname, gzipSync(b).length),
				() => undefined
			)
		);
	});
	await page.goto(URL_ROOT);
	await page.waitForSelector('body[data-engine="idle"]');
	const readyMs = await page.evaluate(
		() => performance.getEntriesByName('ringlab-ready')[0]?.startTime ?? NaN
	);
	await Promise.all(bodies);
	await context.close();
	return { readyMs, scripts };
}

/** 8 CPUs of 64 sub-buffers, through the controls as a user sets them. */
async function eightBySixtyFour(page: Page): Promise<void> {
	await page.goto(URL_ROOT);
	await page.waitForSelector('body[data-engine="idle"]');
	await page.getByLabel('CPUs', { exact: true }).selectOption('8');
	await page.waitForSelector('body[data-engine="idle"]');
	for (let cpu = 0; cpu < 8; cpu++) {
		await page.getByRole('radio', { name: `CPU ${cpu}`, exact: true }).check();
		await page.getByLabel('Sub-buffers', { exact: true }).fill('64');
		await page.getByRole('button', { name: 'Resize', exact: true }).click();
		await page.waitForSelector('body[data-engine="idle"]');
	}
}

/** Frame-to-frame times (ms) of `n` animation frames, and the main thread's long tasks meanwhile. */
function frameTimes(page: Page, n: number): Promise<{ deltas: number[]; longTasks: number }> {
	// A string, not a function: tsx's name helpers do not exist in the page.
	return page.evaluate(`new Promise((resolve) => {
		let longTasks = 0;
		const obs = new PerformanceObserver((l) => (longTasks += l.getEntries().length));
		try { obs.observe({ type: 'longtask', buffered: false }); } catch { /* not supported */ }
		const deltas = [];
		let last = 0;
		const frame = (t) => {
			if (last) deltas.push(t - last);
			last = t;
			if (deltas.length < ${n}) requestAnimationFrame(frame);
			else { obs.disconnect(); resolve({ deltas, longTasks }); }
		};
		requestAnimationFrame(frame);
	})`);
}

async function writerFrames(
	browser: Browser,
	rate: number,
	allCpus: boolean,
	motion: 'reduce' | 'no-preference'
) {
	const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
	const page = await context.newPage();
	await page.emulateMedia({ reducedMotion: motion });
	await eightBySixtyFour(page);
	await page.getByLabel('Rate', { exact: true }).fill(String(rate));
	await page.getByLabel('all CPUs').setChecked(allCpus);
	await page.getByRole('button', { name: 'Start writer', exact: true }).click();
	await page.waitForSelector('body[data-engine="running"]');
	await page.waitForTimeout(500);
	const t = await frameTimes(page, FRAMES);
	const info = await page.evaluate<{ written: number; writer: string | null }>(
		'window.ringlab.engine()'
	);
	await page.getByRole('button', { name: 'Stop writer', exact: true }).click();
	await context.close();
	return { ...t, written: info.written, mode: info.writer };
}

const server = await startPreview(PORT);
const browser = await launchChromium();
try {
	const loads = [];
	for (let i = 0; i < RUNS; i++) loads.push(await firstLoad(browser));
	const ready = loads.map((l) => l.readyMs);
	const scripts = loads[0]!.scripts;
	const jsGzip = [...scripts.values()].reduce((a, b) => a + b, 0);
	console.log('\n## The page (issue 5), headless Chromium against `vite preview`\n');
	console.log(
		`first load, navigation start to a usable lab: median ${ms(median(ready))} of ${RUNS} fresh contexts ` +
			`(min ${ms(Math.min(...ready))}, max ${ms(Math.max(...ready))}); goal < 1000 ms: ${verdict(median(ready) < 1000)}`
	);
	console.log(
		`JavaScript loaded (gzip): ${(jsGzip / 1024).toFixed(1)} kB in ${scripts.size} files; goal < 150 kB: ${verdict(jsGzip < 150 * 1024)}`
	);
	for (const [path, bytes] of [...scripts].sort((a, b) => b[1] - a[1]).slice(0, 4))
		console.log(`  ${(bytes / 1024).toFixed(1)} kB  ${path}`);
	const cases = [
		{
			rate: 1000,
			allCpus: true,
			motion: 'no-preference' as const,
			what: '8 writer threads at 1,000 events/s each, animated'
		},
		{
			rate: 0,
			allCpus: false,
			motion: 'no-preference' as const,
			what: '1 writer thread at full speed, animated'
		},
		{
			rate: 0,
			allCpus: true,
			motion: 'reduce' as const,
			what: '8 writer threads at full speed, reduced motion'
		}
	];
	const turn = ringsPerFrame(8, 64);
	console.log(
		`\nframes with 8 CPUs x 64 sub-buffers drawn while the continuous writer runs (${FRAMES} frames):` +
			`\n  (the page redraws ${turn} of the 8 rings a frame, so each ring ${((60 * turn) / 8).toFixed(1)} times a second at 60 fps,` +
			` and the numbers every ${READOUT_MS} ms in a frame of their own: src/lib/ui/cadence.ts)`
	);
	for (const c of cases) {
		const r = await writerFrames(browser, c.rate, c.allCpus, c.motion);
		const p95 = quantile(r.deltas, 0.95);
		const mean = r.deltas.reduce((a, b) => a + b, 0) / r.deltas.length;
		console.log(
			`  ${c.what}: p50 ${ms(median(r.deltas))}, p95 ${ms(p95)}, max ${ms(Math.max(...r.deltas))}, ` +
				`${(1000 / mean).toFixed(1)} fps, ${r.longTasks} long tasks, ${r.written.toLocaleString('en')} events written (${r.mode}); ` +
				`goal p95 < 16.7 ms: ${verdict(p95 < 16.7)}`
		);
	}
} finally {
	await browser.close();
	server.kill();
}
