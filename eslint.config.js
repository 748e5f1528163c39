import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

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
	{
		// The engine is pure: no UI framework, no drawing library, no app aliases, no DOM. So is
		// src/lib/tracedat (trace.dat), which may import the engine; the engine never imports it.
		files: ['src/lib/ring/**', 'src/lib/tracedat/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'svelte',
								'svelte/*',
								'd3',
								'd3-*',
								'$app/*',
								'$lib',
								'$lib/*',
								'../tracedat',
								'../tracedat/*'
							],
							message:
								'src/lib/ring is the pure engine: import only from inside src/lib/ring, with relative paths (src/lib/tracedat may also import the engine).'
						}
					]
				}
			],
			'no-restricted-globals': [
				'error',
				{ name: 'window', message: 'The engine must not touch the DOM.' },
				{ name: 'document', message: 'The engine must not touch the DOM.' }
			]
		}
	},
	{
		// Drawing code reads engine state but never runs the engine, and never depends on Svelte.
		files: ['src/lib/viz/**'],
		rules: {
			'@typescript-eslint/no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: ['$lib/ring', '$lib/ring/*', '../ring', '../ring/*'],
							allowTypeImports: true,
							message: 'src/lib/viz may only `import type` from the engine.'
						},
						{
							group: ['svelte', 'svelte/*'],
							message: 'src/lib/viz is plain d3: no Svelte.'
						}
					]
				}
			]
		}
	}
);
