// How the rings of all CPUs share the stage: the chosen CPU's ring in a column of its own, twice
// as wide as the others, and the other rings in a grid of k columns beside it. Pure, no DOM.
import { fitRing } from './ring-layout';

/** The stage's grid: how many columns of small rings beside the chosen one, and how many rows. */
export interface StageGrid {
	columns: number;
	rows: number;
}

/** Height of a ring card's title line, CSS pixels (RingCard's header). */
const CARD_TITLE = 26;

/** The radius a ring is drawn at, in CSS pixels, in a box of `w` by `h`. */
function drawnRadius(w: number, h: number, maxZoom: number): number {
	const fit = fitRing(w, Math.max(1, h - CARD_TITLE), maxZoom);
	return fit.geometry.rOut * fit.zoom;
}

/**
 * The grid for `n` rings in a `width` by `height` stage: the one that draws the chosen ring and
 * the others the largest (the chosen one is larger anyway: its column is twice as wide). One
 * ring takes the whole stage.
 */
export function stageGrid(n: number, width: number, height: number, maxZoom = 1): StageGrid {
	if (n <= 1) return { columns: 0, rows: 1 };
	let best = { columns: 1, rows: n - 1 };
	let score = -1;
	for (let columns = 1; columns < n; columns++) {
		const rows = Math.ceil((n - 1) / columns);
		const unit = width / (columns + 2);
		const s =
			drawnRadius(2 * unit, height, maxZoom) +
			(n - 1) * drawnRadius(unit, height / rows, maxZoom);
		if (s > score) {
			score = s;
			best = { columns, rows };
		}
	}
	return best;
}
