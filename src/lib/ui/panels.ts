// What the page shows besides nothing at all: the `&panels=` list of an embedded lab (spec §4),
// e.g. `&panels=ring,time,lanes`. The full lab shows every panel.

export const PANELS = [
	'ring',
	'time',
	'lanes',
	'meta',
	'inspector',
	'counters',
	'log',
	'controls'
] as const;
export type Panel = (typeof PANELS)[number];

/** What an embedded lab shows when its URL does not say: the ring, the time bar, the lanes. */
export const EMBED_PANELS: readonly Panel[] = ['ring', 'time', 'lanes'];

/**
 * The panels a page shows: those `list` names (comma-separated; unknown names are left out) when
 * embedded, EMBED_PANELS when embedded without a list, all of them otherwise.
 */
export function shownPanels(list: string | null, embed: boolean): ReadonlySet<Panel> {
	if (!embed) return new Set(PANELS);
	if (list === null) return new Set(EMBED_PANELS);
	const names = list.split(',').map((s) => s.trim());
	return new Set(PANELS.filter((p) => names.includes(p)));
}
