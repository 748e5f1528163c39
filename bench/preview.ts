/**
 * What the page benchmarks share (bench/page.ts, bench/heap-soak.ts): the built page on
 * `vite preview`, and headless Chromium (the system one where there is one).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from '@playwright/test';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
	'--disable-background-networking',
	'--disable-component-update',
	'--no-first-run',
	'--disable-sync',
	'--disable-quic'
];

/** Builds the page (unless BENCH_NO_BUILD=1 and a build exists) and serves it on `port`. */
export async function startPreview(port: number): Promise<ChildProcess> {
	const url = `http://localhost:${port}/`;
	if (!process.env.BENCH_NO_BUILD || !existsSync('.svelte-kit/output')) {
		const b = spawnSync('node_modules/.bin/vite', ['build'], { stdio: 'ignore' });
		if (b.status !== 0) throw new Error('vite build failed');
	}
	const server = spawn(
		'node_modules/.bin/vite',
		['preview', '--port', String(port), '--strictPort'],
		{ stdio: 'ignore' }
	);
	for (let i = 0; i < 100; i++) {
		const up = await fetch(url).then(
			(r) => r.ok,
			() => false
		);
		if (up) return server;
		await new Promise((r) => setTimeout(r, 100));
	}
	server.kill();
	throw new Error(`the preview server did not answer on ${url}`);
}

/** Headless Chromium with the benchmarks' flags and `extraArgs`. */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
	return chromium.launch({
		executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
		args: [...ARGS, ...extraArgs]
	});
}
