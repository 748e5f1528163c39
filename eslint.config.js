import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** `self` is the worker's global scope: only a worker entry may use it. */
const NO_SELF = [
	{
		name: 'self',
		message:
			'Only the worker entries (src/lib/worker/*.worker.ts) touch the worker scope; on the page use window.'
	}
];

/** An import through one of these folders (by alias or relative path). */
function through(...folders) {
	return `(^|/)(${folders.join('|')})(/|\\.ts$|$)`;
}

/** What no pure layer imports: a UI framework, a drawing library, the app's aliases. */
const FRAMEWORKS = {
	regex: '^(svelte(/|$)|d3(-|/|$)|\\$app(/|$)|\\$lib(/|$)|virtual:)',
	message:
		'is pure TypeScript run by Node too (the CLI, tests): relative imports only, no Svelte, d3 or $app.'
};

/** One block per layer: `files`, and the import patterns it must not use, each with its reason. */
function layers() {
	const block = (files, name, patterns, ts = false) => ({
		files,
		rules: {
			[ts ? '@typescript-eslint/no-restricted-imports' : 'no-restricted-imports']: [
				'error',
				{
					patterns: patterns.map((p) => ({ ...p, message: `${name} ${p.message}` }))
				}
			]
		}
	});
	return [
		block(['src/lib/ring/**'], 'src/lib/ring (the kernel model)', [
			FRAMEWORKS,
			{
				regex: through(
					'session',
					'text',
					'worker',
					'ui',
					'viz',
					'lessons',
					'routes',
					'cli',
					'kernel',
					'tracedat'
				),
				message:
					'imports nothing outside itself: the session, text, worker, trace.dat and page build on it.'
			}
		]),
		block(['src/lib/session/**'], 'src/lib/session', [
			FRAMEWORKS,
			{
				regex: through('text', 'worker', 'ui', 'viz', 'lessons', 'routes', 'cli', 'kernel'),
				message:
					'builds on src/lib/ring only; the worker, the page and the CLI build on it.'
			}
		]),
		block(['src/lib/text/**'], 'src/lib/text', [
			FRAMEWORKS,
			{
				regex: through(
					'session',
					'worker',
					'ui',
					'viz',
					'lessons',
					'routes',
					'cli',
					'kernel'
				),
				message:
					"is words only (it may read the engine's types and hex): the CLI, the kernel harness and the page use it."
			}
		]),
		block(['src/lib/lessons/**'], 'src/lib/lessons', [
			FRAMEWORKS,
			{
				regex: through('text', 'worker', 'ui', 'viz', 'routes', 'cli', 'kernel'),
				message: 'builds on the session and the engine only; the page shows what it says.'
			}
		]),
		block(['src/lib/tracedat/**'], 'src/lib/tracedat (trace.dat files)', [
			FRAMEWORKS,
			{
				regex: through(
					'session',
					'worker',
					'ui',
					'viz',
					'lessons',
					'routes',
					'cli',
					'kernel'
				),
				message:
					"builds on the engine's formats and text only; the CLI and the page use it."
			}
		]),
		block(['src/cli/**'], 'src/cli', [
			FRAMEWORKS,
			{
				regex: through('worker', 'ui', 'viz', 'routes'),
				message:
					'runs in Node: it builds on the session, text, the kernel harness and the engine.'
			}
		]),
		block(['src/kernel/**'], 'src/kernel (the live-kernel harness)', [
			FRAMEWORKS,
			{
				regex: through('session', 'worker', 'ui', 'viz', 'lessons', 'routes', 'cli'),
				message: 'builds on the engine and text only.'
			}
		]),
		block(['src/lib/worker/**'], 'src/lib/worker', [
			{
				regex: '^(svelte|d3|\\$app)(/|-|$)',
				message: 'runs the engine for the page: no Svelte, d3 or $app.'
			},
			{
				regex: through('text', 'ui', 'viz', 'lessons', 'routes', 'cli', 'kernel'),
				message:
					'builds on the session and the engine only; the page talks to it through client.ts.'
			}
		]),
		block(
			['src/lib/viz/**'],
			'src/lib/viz',
			[
				{
					regex: through('ring'),
					allowTypeImports: true,
					message:
						'may only `import type` from the engine: it draws state, it never runs the engine.'
				},
				{
					regex: '^svelte(/|$)',
					message: 'is plain d3: no Svelte.'
				},
				{
					regex: through('session', 'worker', 'ui', 'lessons', 'routes', 'cli', 'kernel'),
					message: 'draws what it is given: the page (src/lib/ui) passes it the data.'
				}
			],
			true
		),
		block(['src/lib/ui/**'], 'src/lib/ui', [
			{
				regex: '(^|/)worker/(host|[^/]*\\.worker)(\\.ts)?$',
				message:
					'talks to the engine through src/lib/worker/client.ts (and protocol.ts types), never its host.'
			},
			{
				regex: through('routes', 'cli', 'kernel'),
				message:
					'is used by the routes; it never imports them, the CLI or the kernel harness.'
			}
		]),
		block(['src/routes/**'], 'src/routes', [
			{
				regex: through('worker', 'session', 'viz', 'lessons', 'cli', 'kernel'),
				message:
					'builds on src/lib/ui (which owns the engine client, the session and the drawings).'
			}
		])
	];
}

export default defineConfig(
	globalIgnores([
		'node_modules/',
		'.svelte-kit/',
		'build/',
		'test-results/',
		'playwright-report/',
		'tmp/'
	]),
	js.configs.recommended,
	ts.configs.recommendedTypeChecked,
	svelte.configs.recommended,
	prettier,
	svelte.configs.prettier,
	{
		languageOptions: {
			globals: { ...globals.browser, ...globals.node },
			parserOptions: {
				// Files outside tsconfig.json that still get type-aware rules.
				projectService: { allowDefaultProject: ['playwright.config.ts'] },
				tsconfigRootDir: import.meta.dirname
			}
		},
		rules: {
			// TypeScript already reports undefined names, with the right globals per tsconfig.
			'no-undef': 'off'
		}
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
		languageOptions: {
			parserOptions: {
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		// Plain JavaScript (config files, bin/) is linted without type information.
		files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
		extends: [ts.configs.disableTypeChecked]
	},
	// Layers (STYLE.md, "Dependency direction"): routes → ui → (viz, worker/client) → session → ring;
	// cli → (session, text) → ring; src/kernel → (ring, text); viz imports only types from ring;
	// ring imports nothing outside itself; text is pure. Each block below lists what one layer must
	// not import, so an arrow pointing the wrong way fails lint. A layer's block is its only
	// no-restricted-imports setting (flat config replaces a rule's options, it does not merge them).
	...layers(),
	{
		// Only a worker's own entry (sim.worker.ts, writer.worker.ts) touches the worker global
		// scope, and only worker/client.ts starts Workers.
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['src/lib/worker/*.worker.ts'],
		rules: {
			'no-restricted-globals': ['error', ...NO_SELF]
		}
	},
	{
		files: ['src/**/*.ts', 'src/**/*.svelte'],
		ignores: ['src/lib/worker/client.ts'],
		rules: {
			'no-restricted-syntax': [
				'error',
				{
					selector: "NewExpression[callee.name='Worker']",
					message:
						'Only src/lib/worker/client.ts constructs a Worker: ask the EngineClient.'
				}
			]
		}
	},
	{
		// The pure layers never touch the page either.
		files: [
			'src/lib/ring/**',
			'src/lib/session/**',
			'src/lib/text/**',
			'src/lib/lessons/**',
			'src/lib/tracedat/**',
			'src/cli/**',
			'src/kernel/**'
		],
		rules: {
			'no-restricted-globals': [
				'error',
				...NO_SELF,
				{
					name: 'window',
					message: 'This layer is pure TypeScript: it must not touch the DOM.'
				},
				{
					name: 'document',
					message: 'This layer is pure TypeScript: it must not touch the DOM.'
				}
			]
		}
	}
);
