// Colours of every drawing, as CSS custom properties with a light-theme fallback, so that one
// stylesheet (src/lib/ui/app.css) switches light and dark without redrawing. SVG presentation
// attributes do not resolve var(), so drawings set these through `style`.

/** Colour of each mark; the fallback is the light theme's value. */
export const COLOR = {
	page: 'var(--rl-page, #eef2f7)',
	outline: 'var(--rl-outline, #64748b)',
	fill: 'var(--rl-fill, #3b82f6)',
	/** Stripes of bytes a writer reserved and has not committed yet. */
	reserved: 'var(--rl-reserved, #7c3aed)',
	/** The halo of what the last step changed. */
	changed: 'var(--rl-changed, #0f172a)',
	text: 'var(--rl-text, #0f172a)',
	muted: 'var(--rl-muted, #475569)',
	onFill: 'var(--rl-on-fill, #0f172a)',
	select: 'var(--rl-select, #f59e0b)',
	highlight: 'var(--rl-highlight, #db2777)',
	head: 'var(--rl-head, #dc2626)',
	tail: 'var(--rl-tail, #15803d)',
	commit: 'var(--rl-commit, #7c3aed)',
	reader: 'var(--rl-reader, #b45309)',
	flagHead: 'var(--rl-flag-head, #dc2626)',
	flagUpdate: 'var(--rl-flag-update, #ca8a04)',
	data: 'var(--rl-data, #3b82f6)',
	padding: 'var(--rl-padding, #94a3b8)',
	timeExtend: 'var(--rl-time-extend, #0d9488)',
	timeStamp: 'var(--rl-time-stamp, #c026d3)',
	missed: 'var(--rl-missed, #dc2626)',
	free: 'var(--rl-free, #f8fafc)',
	/** A violation (the Explore chart). */
	bad: 'var(--rl-bad, #dc2626)'
} as const;

export type ColorName = keyof typeof COLOR;
