// The four page pointers of a ring (kernel.md §2.2) as marks of distinct shapes and colours with
// their names, stacked when they share a page, moved along the circle when they advance. Part of
// drawPageRing.
import {
	select,
	symbol,
	symbolCircle,
	symbolDiamond,
	symbolSquare,
	symbolTriangle,
	type Selection,
	type SymbolType
} from 'd3';
import 'd3-transition'; // selection.transition(): see page-ring.ts
import { follow } from './motion';
import type { CpuState } from '$lib/ring';
import { COLOR } from './colors';
import {
	pointerMarks,
	polar,
	type Place,
	type PointerMark,
	type PointerName,
	type RingGeometry
} from './ring-layout';

type Layer = Selection<SVGGElement, string, SVGSVGElement, unknown>;

/** Vertical distance between stacked marks. */
const LINE = 15;
const SHAPES: Record<PointerName, SymbolType> = {
	head: symbolTriangle,
	commit: symbolDiamond,
	tail: symbolSquare,
	reader: symbolCircle
};

/** Where a pointer mark sits: beside its page, stacked with the other marks on that page. */
function markAt(
	g: RingGeometry,
	m: PointerMark,
	at: Place
): { x: number; y: number; start: boolean } {
	if (!at.ring) {
		if (g.reader.side === 'right')
			return {
				x: g.reader.x + 8,
				y: g.reader.y + g.reader.h + 14 + m.level * LINE,
				start: true
			};
		return { x: g.reader.x + g.reader.w + 14, y: g.reader.y + 8 + m.level * LINE, start: true };
	}
	const [x, y] = polar(g.rOut + 10, at.angle);
	const c = Math.cos(at.angle);
	const dy =
		c > 0.75
			? -m.level * LINE
			: c < -0.75
				? m.level * LINE
				: (m.level - (m.count - 1) / 2) * LINE;
	return { x: g.cx + x, y: g.cy + y + dy, start: x >= -0.5 };
}

export function drawPointers(
	layer: Layer,
	g: RingGeometry,
	cpu: CpuState,
	place: (page: number) => Place | null,
	duration: number,
	changed: ReadonlySet<PointerName> = new Set()
): void {
	const marks = layer
		.selectAll<SVGGElement, PointerMark>('g.pointer')
		.data(pointerMarks(cpu), (m) => m.name)
		.join((enter) => {
			const e = enter.append('g').attr('class', 'pointer');
			e.append('circle').attr('class', 'moved');
			e.append('path');
			e.append('text');
			return e;
		})
		.attr('data-testid', (m) => `pointer-${cpu.cpu}-${m.name}`)
		.attr('data-page', (m) => m.page)
		.attr('data-id', (m) => cpu.pages[m.page]?.id ?? '')
		.attr('data-changed', (m) => (changed.has(m.name) ? 'true' : null))
		.style('pointer-events', 'none');
	marks.each(function (m) {
		const at = place(m.page);
		const mark = select(this);
		mark.style('display', at ? 'inline' : 'none');
		if (!at) return;
		const { x, y, start } = markAt(g, m, at);
		// A pointer the last step moved wears a ring until the next step.
		mark.select('circle.moved')
			.attr('r', 9)
			.style('fill', 'none')
			.style('stroke', COLOR.changed)
			.style('stroke-width', 2)
			.style('stroke-dasharray', '2 2')
			.style('display', changed.has(m.name) ? 'inline' : 'none');
		mark.select('path')
			.attr('d', symbol(SHAPES[m.name], 70)())
			.attr('transform', m.name === 'head' ? `rotate(${start ? -90 : 90})` : null)
			.style('fill', COLOR[m.name]);
		mark.select('text')
			.attr('x', start ? 9 : -9)
			.attr('dy', '0.35em')
			.attr('text-anchor', start ? 'start' : 'end')
			.style('fill', COLOR[m.name])
			.style('font-weight', 700)
			.text(m.name);
		const target = `translate(${x},${y})`;
		const from = this.dataset.angle;
		this.dataset.angle = at.ring ? String(at.angle) : '';
		// It moves when it points elsewhere; redrawn for a new size it is set at once.
		const spot = `${m.page}/${m.level}/${m.count}`;
		const stays = this.dataset.spot === spot;
		this.dataset.spot = spot;
		if (duration <= 0 || stays || !mark.attr('transform')) {
			mark.interrupt().attr('transform', target);
		} else if (at.ring && from) {
			// Along the circle, the short way round.
			const a0 = Number(from);
			let a1 = at.angle;
			while (a1 - a0 > Math.PI) a1 -= 2 * Math.PI;
			while (a0 - a1 > Math.PI) a1 += 2 * Math.PI;
			follow(
				mark
					.transition()
					.duration(duration)
					.attrTween('transform', () => (t) => {
						const p = markAt(g, m, { ring: true, angle: a0 + (a1 - a0) * t });
						return `translate(${p.x},${p.y})`;
					})
			);
		} else follow(mark.transition().duration(duration).attr('transform', target));
	});
}
