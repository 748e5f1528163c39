import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const ci = Boolean(process.env.CI);
// The three servers' ports: RINGLAB_E2E_PORT moves them together (for two checkouts side by side).
const base = Number(process.env.RINGLAB_E2E_PORT || 4173);
export const PORTS = { preview: base, staticHost: base + 1, dev: base + 1001 };
process.env.RINGLAB_STATIC_URL = `http://127.0.0.1:${PORTS.staticHost}`;
process.env.RINGLAB_DEV_URL = `http://localhost:${PORTS.dev}`;

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
	// Two cores run two workers, three servers and Chromium: a lab that boots and loads a lesson
	// can take more than the default 5 s there.
	expect: { timeout: 10_000 },
	use: {
		baseURL: `http://localhost:${PORTS.preview}`,
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
			command: `npm run build && node_modules/.bin/vite preview --port ${PORTS.preview} --strictPort`,
			url: `http://localhost:${PORTS.preview}`,
			reuseExistingServer: !ci,
			timeout: 120_000
		},
		{
			// the dev server, to check that it isolates the page too
			command: `node_modules/.bin/vite dev --port ${PORTS.dev} --strictPort`,
			url: `http://localhost:${PORTS.dev}`,
			reuseExistingServer: !ci,
			timeout: 120_000
		},
		{
			// the same build on a plain static server with no COOP/COEP headers (the fallback);
			// it waits for the build of the first server
			command: `node scripts/serve-static.mjs ${PORTS.staticHost}`,
			url: `http://127.0.0.1:${PORTS.staticHost}/`,
			reuseExistingServer: !ci,
			timeout: 180_000
		}
	]
});
