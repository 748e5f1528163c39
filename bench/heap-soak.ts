/**
 * `npm run bench:soak` (issue 17, item 8): runs the continuous writer at full speed on the built
 * page for minutes in headless Chromium and samples, through the DevTools protocol
 * (Performance.getMetrics), the JS heap used and total (`totalJSHeapSize`), the DOM nodes, the
 * event listeners and the lines of the event log. After the soak it stops the writer, forces a
 * garbage collection (HeapProfiler.collectGarbage) and samples again: what a leak keeps survives
 * that, heap the engine V8 only reserved for a high allocation rate does not.
 * Prints the curve as a table; never fails. Not part of `npm run bench` (it takes minutes).
 * With SOAK_GC=1 every sample also forces a collection while the writer runs and gives the heap
 * still used after it (what the page retains), at the cost of the plain `total` curve.
 * Env: SOAK_SECONDS (300), SOAK_EVERY (15 s between samples), SOAK_CPUS (1; all CPUs write),
 * SOAK_PORT (5500), SOAK_JS_FLAGS (extra V8 flags, e.g. --max-semi-space-size=1),
 * BENCH_NO_BUILD=1 (reuse the build).
 */
import type { CDPSession, Page } from '@playwright/test';
import { launchChromium, startPreview } from './preview';

const PORT = Number(process.env.SOAK_PORT ?? 5500);
const URL_ROOT = `http://localhost:${PORT}/`;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const EVERY = Number(process.env.SOAK_EVERY ?? 15);
const CPUS = Number(process.env.SOAK_CPUS ?? 1);
const JS_FLAGS = process.env.SOAK_JS_FLAGS;
const GC_EVERY_SAMPLE = process.env.SOAK_GC === '1';
const MiB = 1024 * 1024;

interface Sample {
	t: number;
	used: number;
	total: number;
	nodes: number;
	listeners: number;
	logLines: number;
	written: number;
	/** With SOAK_GC=1: used and total heap right after a forced collection. */
	gcUsed?: number;
	gcTotal?: number;
}

async function sample(page: Page, cdp: CDPSession, t: number, gc = false): Promise<Sample> {
	const { metrics } = await cdp.send('Performance.getMetrics');
	const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
	// Strings, not functions: tsx's name helpers do not exist in the page.
	const logLines = await page.evaluate<number>(
		`document.querySelectorAll('[data-testid="event-log"] .line').length`
	);
	const info = await page.evaluate<{ written: number }>('window.ringlab.engine()');
	let gcUsed: number | undefined, gcTotal: number | undefined;
	if (gc) {
		await cdp.send('HeapProfiler.collectGarbage');
		const after = (await cdp.send('Performance.getMetrics')).metrics;
		gcUsed = after.find((x) => x.name === 'JSHeapUsedSize')?.value;
		gcTotal = after.find((x) => x.name === 'JSHeapTotalSize')?.value;
	}
	return {
		gcUsed,
		gcTotal,
		t,
		used: m('JSHeapUsedSize'),
		total: m('JSHeapTotalSize'),
		nodes: m('Nodes'),
		listeners: m('JSEventListeners'),
		logLines,
		written: info.written
	};
}

const mib = (x: number | undefined) => (x === undefined ? '' : (x / MiB).toFixed(1));

function row(s: Sample, label = `${s.t.toFixed(0)} s`): string {
	const gc = GC_EVERY_SAMPLE ? ` ${mib(s.gcUsed)} | ${mib(s.gcTotal)} |` : '';
	return (
		`| ${label} | ${mib(s.used)} | ${mib(s.total)} |${gc} ${s.nodes} | ` +
		`${s.listeners} | ${s.logLines} | ${s.written.toLocaleString('en')} |`
	);
}

const server = await startPreview(PORT);
const browser = await launchChromium(JS_FLAGS ? [`--js-flags=${JS_FLAGS}`] : []);
try {
	const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Performance.enable');
	await cdp.send('HeapProfiler.enable');
	await page.goto(URL_ROOT);
	await page.waitForSelector('body[data-engine="idle"]');
	if (CPUS > 1) {
		await page.getByLabel('CPUs', { exact: true }).selectOption(String(CPUS));
		await page.waitForSelector('body[data-engine="idle"]');
	}
	await page.getByLabel('Rate', { exact: true }).fill('0');
	await page.getByLabel('all CPUs').setChecked(true);
	console.log(
		`\n## Heap during a ${SECONDS} s full-speed soak (${CPUS} CPU${CPUS > 1 ? 's' : ''}, ` +
			`Chromium ${browser.version()}${JS_FLAGS ? `, --js-flags=${JS_FLAGS}` : ''})\n`
	);
	const gcHead = GC_EVERY_SAMPLE ? ' used after GC | total after GC |' : '';
	console.log(
		`| time | used MiB | total MiB |${gcHead} DOM nodes | listeners | log lines | events written |`
	);
	console.log(`|${' --- |'.repeat(GC_EVERY_SAMPLE ? 9 : 7)}`);
	console.log(row(await sample(page, cdp, 0), 'before'));
	await page.getByRole('button', { name: 'Start writer', exact: true }).click();
	await page.waitForSelector('body[data-engine="running"]');
	const t0 = Date.now();
	const samples: Sample[] = [];
	for (let next = EVERY; next <= SECONDS; next += EVERY) {
		await page.waitForTimeout(Math.max(0, t0 + next * 1000 - Date.now()));
		const s = await sample(page, cdp, (Date.now() - t0) / 1000, GC_EVERY_SAMPLE);
		samples.push(s);
		console.log(row(s));
	}
	const running = await sample(page, cdp, (Date.now() - t0) / 1000);
	await page.getByRole('button', { name: 'Stop writer', exact: true }).click();
	await page.waitForSelector('body[data-engine="idle"]');
	await page.waitForTimeout(2000);
	console.log(row(await sample(page, cdp, (Date.now() - t0) / 1000), 'stopped'));
	await cdp.send('HeapProfiler.collectGarbage');
	await page.waitForTimeout(1000);
	const after = await sample(page, cdp, (Date.now() - t0) / 1000);
	console.log(row(after, 'stopped + GC'));
	const half = samples.slice(Math.floor(samples.length / 2));
	const totals = half.map((s) => s.total / MiB);
	console.log(
		`\nsecond half of the soak: total ${Math.min(...totals).toFixed(1)}-${Math.max(...totals).toFixed(1)} MiB; ` +
			`last running sample ${(running.total / MiB).toFixed(1)} MiB total, ` +
			`${(after.total / MiB).toFixed(1)} MiB after stop + GC (used ${(after.used / MiB).toFixed(1)} MiB)`
	);
	await context.close();
} finally {
	await browser.close();
	server.kill();
}
