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

/**
 * Lays a ring out in `width` pixels: the reader page right of the ring when there is room for it,
 * below it otherwise. Text keeps its size; the ring grows and shrinks around it.
 */
export function ringGeometry(width: number): RingGeometry {
	const w = Math.max(240, width);
	const right = w >= 400;
	const span = right ? w - READER_W - 24 : w;
	const rOut = Math.max(48, Math.min(MAX_R, span / 2 - SIDE_ROOM));
	const rIn = Math.round(rOut * 0.6);
	const cx = right ? SIDE_ROOM + rOut : w / 2;
	const cy = rOut + END_ROOM;
	if (right) {
		const h = 80;
		const height = Math.max(2 * cy, cy + h / 2 + 4 * 15 + 10);
		const x = Math.min(cx + rOut + SIDE_ROOM + 24, w - READER_W - 4);
		return {
			width: w,
			height,
			cx,
			cy,
			rIn,
			rOut,
			reader: { x, y: cy - h / 2 - 10, w: READER_W, h, side: 'right' }
		};
	}
	const h = 60;
	const y = 2 * cy + 14;
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
