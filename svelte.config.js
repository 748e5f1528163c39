import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every route renders in the browser, and static hosts serve
		// index.html for any path they do not know.
		adapter: adapter({ fallback: 'index.html' })
	}
};

export default config;
