// Where things go on a page-ring drawing: the slot of every page on the circle, the angle of a
// slot, and how pointer marks that share a page stack up. Pure functions, no DOM.
import type { CpuState } from '$lib/ring';

/** The four page pointers, in the order their marks stack when they share a page. */
export const POINTER_NAMES = ['head', 'commit', 'tail', 'reader'] as const;
export type PointerName = (typeof POINTER_NAMES)[number];

/**
 * Slot (0 at 12 o'clock, clockwise) of every page of `ring` (pages in next order). When the ring
 * had the same number of pages before (`previous`), the rotation that leaves the most pages where
 * they were wins: a reader swap then only replaces one page on the circle instead of turning it.
 * Otherwise the lowest page number goes to slot 0.
 */
export function placeRing(
	ring: readonly number[],
	previous?: ReadonlyMap<number, number>
): Map<number, number> {
	const n = ring.length;
	let rotation = -1;
	if (previous && previous.size === n && n > 0) {
		let best = 0;
		for (let r = 0; r < n; r++) {
			let kept = 0;
			ring.forEach((page, i) => {
				if (previous.get(page) === (i + r) % n) kept++;
			});
			if (kept > best) {
				best = kept;
				rotation = r;
			}
		}
	}
	if (rotation < 0) {
		const lowest = ring.indexOf(Math.min(...ring));
		rotation = lowest <= 0 ? 0 : n - lowest;
	}
	return new Map(ring.map((page, i) => [page, (i + rotation) % n]));
}

/** Centre angle of `slot` of `n`, in d3-shape's convention: radians clockwise from 12 o'clock. */
export function slotAngle(slot: number, n: number): number {
	return ((slot + 0.5) * 2 * Math.PI) / Math.max(n, 1);
}

/** Angle of the boundary after `slot` (where that page's next link is drawn). */
export function boundaryAngle(slot: number, n: number): number {
	return ((slot + 1) * 2 * Math.PI) / Math.max(n, 1);
}

/** A point at `radius` and `angle` (d3-shape's convention) around the origin. */
export function polar(radius: number, angle: number): [number, number] {
	return [radius * Math.sin(angle), -radius * Math.cos(angle)];
}

/** A page's place on the drawing: a sector of the ring at `angle`, or the reader page's box. */
export type Place = { ring: true; angle: number } | { ring: false };

/** One pointer mark: the page it names, its place in the stack on that page, the stack's size. */
export interface PointerMark {
	name: PointerName;
	page: number;
	level: number;
	count: number;
}

/** The four pointer marks of a CPU, stacked in POINTER_NAMES order on shared pages. */
export function pointerMarks(cpu: Pick<CpuState, PointerName>): PointerMark[] {
	const count = new Map<number, number>();
	for (const name of POINTER_NAMES) count.set(cpu[name], (count.get(cpu[name]) ?? 0) + 1);
	const used = new Map<number, number>();
	return POINTER_NAMES.map((name) => {
		const page = cpu[name];
		const level = used.get(page) ?? 0;
		used.set(page, level + 1);
		return { name, page, level, count: count.get(page)! };
	});
}

/** How much text fits in the sub-buffers of a ring of `n`: two lines, a number, or none. */
export function labelMode(n: number): 'full' | 'short' | 'none' {
	return n <= 8 ? 'full' : n <= 24 ? 'short' : 'none';
}

/** Committed share of a sub-buffer's data area, clamped to 0..1. */
export function fillShare(commit: number, capacity: number): number {
	return capacity > 0 ? Math.min(1, Math.max(0, commit / capacity)) : 0;
}

/**
 * Bytes a writer reserved on a page and has not committed: from the page's commit to its write
 * index (`buffer_page->write`, which __rb_reserve_next moves before rb_end_commit moves commit),
 * clamped to the data area (a reservation that ran past the end is undone by rb_move_tail).
 */
export function reservedBytes(page: { commit: number; write: number }, capacity: number): number {
	return Math.max(0, Math.min(page.write, capacity) - page.commit);
}

/** Sizes of a page-ring drawing, in CSS pixels, for the width it is given. */
export interface RingGeometry {
	width: number;
	height: number;
	cx: number;
	cy: number;
	rIn: number;
	rOut: number;
	/** The reader page's box, and whether it sits right of the ring or below it. */
	reader: { x: number; y: number; w: number; h: number; side: 'right' | 'below' };
}

/** Room a pointer label takes beside the ring ("commit" at 13px and its mark). */
const SIDE_ROOM = 70;
/** Room above and below the ring: three stacked marks (the reader mark is never on the ring). */
const END_ROOM = 52;
const READER_W = 88;
const MAX_R = 140;
/** Room the reader page takes under the ring when it sits below it. */
const BELOW_ROOM = 14 + 60 + 6;

/**
 * Lays a ring out in `width` by `height` units (CSS pixels at zoom 1): the reader page right of
 * the ring or below it, whichever leaves the larger ring (right when the height does not limit
 * it and there are 400 units across). Text keeps its size; the ring grows and shrinks around it.
 * The result can be larger than asked for when the box is smaller than the smallest ring.
 */
export function ringGeometry(width: number, height = Infinity): RingGeometry {
	const w = Math.max(240, width);
	const rRight =
		w >= 400 ? Math.min(MAX_R, (w - READER_W - 24) / 2 - SIDE_ROOM, height / 2 - END_ROOM) : 0;
	const rBelow = Math.min(MAX_R, w / 2 - SIDE_ROOM, (height - BELOW_ROOM) / 2 - END_ROOM);
	// With no height to fit, the reader page goes beside the ring whenever there is room for it.
	const right = rRight > 0 && (height === Infinity || rRight >= rBelow);
	const rOut = Math.round(Math.max(48, right ? rRight : rBelow));
	const rIn = Math.round(rOut * 0.6);
	const cy = rOut + END_ROOM;
	if (right) {
		// Ring and reader page centred across the width when it has more than they need.
		const spare = Math.max(0, w - (2 * SIDE_ROOM + 2 * rOut + 24 + READER_W + 4));
		const cx = SIDE_ROOM + rOut + (height === Infinity ? 0 : spare / 2);
		const h = 80;
		const drawn = Math.max(2 * cy, cy + h / 2 + 4 * 15 + 10);
		const x = Math.min(cx + rOut + SIDE_ROOM + 24, w - READER_W - 4);
		return {
			width: w,
			height: drawn,
			cx,
			cy,
			rIn,
			rOut,
			reader: { x, y: cy - h / 2 - 10, w: READER_W, h, side: 'right' }
		};
	}
	const h = 60;
	const y = 2 * cy + 14;
	const cx = w / 2;
	return {
		width: w,
		height: y + h + 6,
		cx,
		cy,
		rIn,
		rOut,
		reader: { x: 12, y, w: READER_W, h, side: 'below' }
	};
}

/** The natural size of a ring of MAX_R with the reader page beside it, in units. */
const NATURAL = {
	width: 2 * SIDE_ROOM + 2 * MAX_R + 24 + READER_W + 4,
	height: 2 * (MAX_R + END_ROOM)
};

/** A ring laid out to fit a box: its geometry in units, and the CSS pixels one unit takes. */
export interface RingFit {
	geometry: RingGeometry;
	zoom: number;
}

/**
 * Fits a ring drawing into a `width` by `height` box of CSS pixels. Up to the natural size the
 * ring shrinks around text of a fixed size (zoom `minZoom`, 1 unless a projector asks for
 * larger text); past it the whole drawing, text included, grows up to `maxZoom`; in a box
 * smaller than the smallest ring the whole drawing shrinks so that it still fits.
 */
export function fitRing(width: number, height: number, maxZoom = 1, minZoom = 1): RingFit {
	const grow = Math.min(width / NATURAL.width, height / NATURAL.height);
	const up = Math.max(minZoom, Math.min(Math.max(minZoom, maxZoom), grow));
	const geometry = ringGeometry(width / up, height / up);
	const zoom = Math.min(up, width / geometry.width, height / geometry.height);
	return { geometry, zoom: Math.max(0.05, zoom) };
}
