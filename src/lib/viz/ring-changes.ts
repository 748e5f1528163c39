// What one step changed in a CPU's ring (issue 13 "what changed, shown"): the pointers that moved
// to another page, the links whose flag or target changed, and the pages whose bytes changed
// (committed, reserved or entries). The drawing marks exactly these until the next step.
import type { CpuState } from '$lib/ring';
import { POINTER_NAMES, type PointerName } from './ring-layout';

export interface RingChanges {
	pointers: ReadonlySet<PointerName>;
	/** Pages whose own next link changed its flag (HEAD, UPDATE) or the page it points to. */
	links: ReadonlySet<number>;
	/** Pages whose commit, write index or entries changed. */
	pages: ReadonlySet<number>;
}

export const NO_CHANGES: RingChanges = { pointers: new Set(), links: new Set(), pages: new Set() };

/**
 * What differs between `before` and `after` (the same CPU one step apart). Nothing when there is
 * no `before` or it is another machine (other page count): a new machine has no "last step".
 */
export function ringChanges(before: CpuState | undefined, after: CpuState): RingChanges {
	if (!before || before.cpu !== after.cpu || before.pages.length !== after.pages.length)
		return NO_CHANGES;
	const pointers = new Set<PointerName>();
	for (const name of POINTER_NAMES) if (before[name] !== after[name]) pointers.add(name);
	const links = new Set<number>();
	const pages = new Set<number>();
	after.pages.forEach((page, p) => {
		const was = before.pages[p];
		if (!was) return;
		if (was.link !== page.link || was.next !== page.next) links.add(p);
		if (was.commit !== page.commit || was.write !== page.write || was.entries !== page.entries)
			pages.add(p);
	});
	return { pointers, links, pages };
}
