import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin, PreviewServer, ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Headers that make the page cross-origin isolated, which SharedArrayBuffer needs.
 * static/_headers repeats them for static hosts.
 */
const isolationHeaders = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
} as const;

/**
 * Adds the isolation headers to every response of `vite dev` and `vite preview`.
 * Vite's own `server.headers` does not reach SvelteKit's pages, so this registers a
 * middleware and must come before sveltekit() in the plugin list.
 */
function crossOriginIsolation(): Plugin {
	const addHeaders = (server: ViteDevServer | PreviewServer): void => {
		server.middlewares.use((_req, res, next) => {
			for (const [name, value] of Object.entries(isolationHeaders))
				res.setHeader(name, value);
			next();
		});
	};
	return {
		name: 'ringlab:cross-origin-isolation',
		configureServer: addHeaders,
		configurePreviewServer: addHeaders
	};
}

/**
 * Serves (dev, preview) and emits (build) /coi-serviceworker.js from the coi-serviceworker package.
 * On a static host that sends no isolation headers the page can offer to install it: a service
 * worker that adds the headers to every response, after which the page reloads isolated.
 */
function coiServiceWorker(): Plugin {
	const file = createRequire(import.meta.url).resolve(
		'coi-serviceworker/coi-serviceworker.min.js'
	);
	const source = () => readFileSync(file);
	const serve = (server: ViteDevServer | PreviewServer): void => {
		server.middlewares.use('/coi-serviceworker.js', (_req, res) => {
			res.setHeader('Content-Type', 'text/javascript');
			res.end(source());
		});
	};
	return {
		name: 'ringlab:coi-serviceworker',
		configureServer: serve,
		configurePreviewServer: serve,
		generateBundle(options) {
			if (options.dir?.endsWith('client'))
				this.emitFile({
					type: 'asset',
					fileName: 'coi-serviceworker.js',
					source: source()
				});
		}
	};
}

/**
 * `virtual:lesson-titles`: each lesson file's path (as import.meta.glob names it) and its title,
 * read at build time, so the page lists the lessons without loading them (each loads when it opens).
 */
function lessonTitles(): Plugin {
	const id = 'virtual:lesson-titles';
	const dir = 'scenarios/lessons';
	return {
		name: 'ringlab:lesson-titles',
		resolveId: (source) => (source === id ? `\0${id}` : undefined),
		load(source) {
			if (source !== `\0${id}`) return;
			const titles: Record<string, string | null> = {};
			for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
				this.addWatchFile(`${dir}/${f}`);
				const doc = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as { title?: unknown };
				titles[`/${dir}/${f}`] = typeof doc.title === 'string' ? doc.title : null;
			}
			return `export default ${JSON.stringify(titles)};`;
		}
	};
}

export default defineConfig({
	plugins: [crossOriginIsolation(), coiServiceWorker(), lessonTitles(), sveltekit()],
	// The capture page's bundled samples are the kernel captures the tests use. The build emits
	// them as assets; `vite dev` serves files only from the folders it allows (SvelteKit adds
	// src/ and node_modules/ to this list), so the samples' folder is allowed too.
	server: { fs: { allow: ['tests/kernel/captures', 'tests/fixtures/tracedat'] } },
	// SvelteKit's adapter step always runs long enough to trigger Rolldown's timing report.
	// The engine is pure (lint keeps it so): importing one of its modules does nothing, so a module
	// the page uses nothing from is left out even when its top level builds a table (the step
	// tables): without this the whole Simulation rode along in the page's first load.
	build: {
		rolldownOptions: {
			checks: { bundlerTimings: false },
			treeshake: {
				moduleSideEffects: (id: string) => !/[\\/]src[\\/]lib[\\/]ring[\\/]/.test(id)
			}
		}
	},
	test: {
		include: ['tests/unit/**/*.test.ts'],
		environment: 'node',
		// Property tests take 1-2 s here; on a loaded 2-core CI machine 5 s (the default) was
		// reached twice. A test that hangs still fails, later.
		testTimeout: 20_000
	}
});
