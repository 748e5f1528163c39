// Modules that vite.config.ts makes at build time.
declare module 'virtual:lesson-titles' {
	/** Each lesson file's path (`/scenarios/lessons/NAME.json`) and its title (vite.config.ts). */
	const titles: Record<string, string | null>;
	export default titles;
}
