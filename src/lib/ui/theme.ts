// Light and dark themes: the saved choice, else the system's, set as <html data-theme>.
import { readSetting, writeSetting } from './storage';

export type Theme = 'light' | 'dark';
const KEY = 'ringlab:theme';

/** The theme to start with: the saved choice, else prefers-color-scheme. */
export function initialTheme(): Theme {
	const saved = readSetting(KEY);
	if (saved === 'light' || saved === 'dark') return saved;
	return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

/** Applies a theme to the document and remembers it when the user chose it. */
export function applyTheme(theme: Theme, save = false): void {
	document.documentElement.dataset.theme = theme;
	if (save) writeSetting(KEY, theme);
}

/** Whether moves should be drawn at once (prefers-reduced-motion: reduce). */
export function prefersReducedMotion(): boolean {
	return matchMedia('(prefers-reduced-motion: reduce)').matches;
}
