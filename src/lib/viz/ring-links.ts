// The links of a page ring (kernel.md §2.3): a chevron per `next` link on the inner track, a pill
// naming the HEAD or UPDATE flag a link carries, and the reader page's own next link, which
// points into the ring while nothing in the ring points back. Part of drawPageRing.
import { select, type Selection } from 'd3';
import type { CpuState, PageState } from '$lib/ring';
import { COLOR } from './colors';
import { boundaryAngle, polar, slotAngle, type RingGeometry } from './ring-layout';

type Layer = Selection<SVGGElement, string, SVGSVGElement, unknown>;

/** Chevrons on the inner track show `next`; a pill names a HEAD or UPDATE flag on a link. */
export function drawLinks(
	layer: Layer,
	g: RingGeometry,
	cpu: CpuState,
	slots: Map<number, number>,
	n: number,
	changed: ReadonlySet<number> = new Set()
): void {
	const track = g.rIn - 8;
	layer
		.selectAll('circle.track')
		.data([0])
		.join('circle')
		.attr('class', 'track')
		.attr('r', track)
		.style('fill', 'none')
		.style('stroke', COLOR.outline)
		.style('stroke-opacity', 0.5);
	const links = layer
		.selectAll<SVGGElement, number>('g.link')
		.data(cpu.ring, (p) => p)
		.join((enter) => {
			const e = enter.append('g').attr('class', 'link');
			e.append('path').attr('class', 'chevron');
			e.append('rect').attr('class', 'pill');
			e.append('text').attr('class', 'flag');
			return e;
		})
		.attr('data-testid', (p) => `link-${cpu.cpu}-${p}`)
		.attr('data-page', (p) => p)
		.attr('data-next', (p) => cpu.pages[p]?.next ?? '')
		.attr('data-flag', (p) => cpu.pages[p]?.link ?? 'NORMAL')
		.attr('data-changed', (p) => (changed.has(p) ? 'true' : null));
	links.each(function (p) {
		const link = select(this);
		const a = boundaryAngle(slots.get(p) ?? 0, n);
		const [x, y] = polar(track, a);
		const flag = cpu.pages[p]?.link ?? 'NORMAL';
		const color =
			flag === 'HEAD' ? COLOR.flagHead : flag === 'UPDATE' ? COLOR.flagUpdate : COLOR.outline;
		link.select('path.chevron')
			.attr('d', chevron(x, y, a))
			.style('fill', 'none')
			.style('stroke', changed.has(p) ? COLOR.changed : color)
			.style('stroke-width', changed.has(p) ? 3.2 : flag === 'NORMAL' ? 1.2 : 2.4);
		const [px, py] = polar(Math.max(track - 24, 22), a);
		const w = flag === 'UPDATE' ? 50 : 40;
		link.select('rect.pill')
			.attr('x', px - w / 2)
			.attr('y', py - 8)
			.attr('width', w)
			.attr('height', 16)
			.attr('rx', 8)
			.style('fill', color)
			.style('display', flag === 'NORMAL' ? 'none' : 'inline');
		link.select('text.flag')
			.attr('x', px)
			.attr('y', py)
			.attr('dy', '0.35em')
			.attr('text-anchor', 'middle')
			.style('font-size', '10.5px')
			.style('font-weight', 700)
			.style('fill', 'var(--rl-on-flag, #fff)')
			.text(flag === 'NORMAL' ? '' : flag);
	});
}

/**
 * The chevron `M-3,-4L3,0L-3,4` turned by `a` and moved to (x, y), as plain coordinates (no
 * transform per link: see ShiftedPath in page-ring.ts).
 */
function chevron(x: number, y: number, a: number): string {
	const c = Math.cos(a);
	const s = Math.sin(a);
	const at = (px: number, py: number) =>
		`${(x + px * c - py * s).toFixed(2)},${(y + px * s + py * c).toFixed(2)}`;
	return `M${at(-3, -4)}L${at(3, 0)}L${at(-3, 4)}`;
}

/** The reader page's next link points into the ring; nothing in the ring points back at it. */
export function drawReaderLink(
	layer: Layer,
	g: RingGeometry,
	cpu: CpuState,
	slots: Map<number, number>,
	n: number
): void {
	const reader = cpu.pages[cpu.reader];
	const slot = reader ? slots.get(reader.next) : undefined;
	const link = layer
		.selectAll<SVGGElement, PageState>('g.reader-link')
		.data(reader && slot !== undefined ? [reader] : [])
		.join((enter) => {
			const e = enter.append('g').attr('class', 'reader-link');
			e.append('path');
			e.append('text');
			return e;
		})
		.attr('data-testid', (d) => `link-${cpu.cpu}-${d.page}`)
		.attr('data-page', (d) => d.page)
		.attr('data-next', (d) => d.next)
		.attr('data-flag', (d) => d.link)
		.style('opacity', 0.7)
		.lower();
	if (slot === undefined) return;
	const [tx, ty] = polar(g.rOut + 2, slotAngle(slot, n));
	const right = g.reader.side === 'right';
	const fx = right ? g.reader.x : g.reader.x + g.reader.w / 2;
	const fy = right ? g.reader.y + g.reader.h / 2 : g.reader.y;
	link.select('path')
		.attr('d', `M${fx},${fy}L${g.cx + tx},${g.cy + ty}`)
		.style('stroke', COLOR.muted)
		.style('stroke-dasharray', '3 3')
		.style('fill', 'none');
	link.select('text').text('');
	link.attr('aria-hidden', 'true');
}
