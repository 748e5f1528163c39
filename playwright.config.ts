import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const ci = Boolean(process.env.CI);

// Playwright cannot download its own browsers here: use the system Chromium when there is one
// (CHROMIUM_PATH overrides /usr/bin/chromium), Playwright's own browser otherwise.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const executablePath = existsSync(chromiumPath) ? chromiumPath : undefined;

export default defineConfig({
	testDir: 'tests/e2e',
	forbidOnly: ci,
	retries: ci ? 1 : 0,
	workers: 2,
	reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
	// Keep Playwright's per-test artefacts apart from the reports in test-results/.
	outputDir: 'test-results/e2e-artifacts',
	use: {
		baseURL: 'http://localhost:4173',
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				...devices['Desktop Chrome'],
				launchOptions: {
					executablePath,
					args: [
						'--disable-background-networking',
						'--disable-component-update',
						'--no-first-run',
						'--disable-sync',
						'--disable-quic'
					]
				}
			}
		}
	],
	webServer: [
		{
			command: 'npm run build && node_modules/.bin/vite preview --port 4173 --strictPort',
			url: 'http://localhost:4173',
			reuseExistingServer: !ci,
			timeout: 120_000
		},
		{
			// the dev server, to check that it isolates the page too
			command: 'node_modules/.bin/vite dev --port 5174 --strictPort',
			url: 'http://localhost:5174',
			reuseExistingServer: !ci,
			timeout: 120_000
		},
		{
			// the same build on a plain static server with no COOP/COEP headers (the fallback);
			// it waits for the build of the first server
			command: 'node scripts/serve-static.mjs 4174',
			url: 'http://127.0.0.1:4174/',
			reuseExistingServer: !ci,
			timeout: 180_000
		}
	]
});
