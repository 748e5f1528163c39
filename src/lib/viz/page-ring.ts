// Draws one CPU's page ring as a circle of sub-buffers, the reader page outside it, and the
// head / tail / commit / reader pointers. Reads an engine snapshot; never runs the engine.
import { arc, select } from 'd3';
import type { CpuState } from '$lib/ring';

/** Options of {@link drawPageRing}. */
export interface PageRingOptions {
	/** Bytes of one sub-buffer, header included (`RingState.subbufSize`); sets the fill scale. */
	subbufSize?: number;
}

/** The sub-buffer header: a 64-bit time stamp and the 64-bit commit field. */
const SUBBUF_HEADER_BYTES = 16;

type PointerName = 'head' | 'tail' | 'commit' | 'reader';

const WIDTH = 560;
const HEIGHT = 400;
const CX = 220;
const CY = 200;
const R_INNER = 85;
const R_OUTER = 130;
const READER = { x: 440, y: CY - 40, size: 80 };
const ringArc = arc();
const POINTERS: readonly PointerName[] = ['head', 'tail', 'commit', 'reader'];
const COLORS = {
	page: '#f1f5f9',
	outline: '#64748b',
	fill: '#60a5fa',
	text: '#0f172a',
	head: '#dc2626',
	tail: '#15803d',
	commit: '#7c3aed',
	reader: '#b45309'
} as const;

/**
 * Draws `cpu` into `svg`, replacing what an earlier call drew.
 * Each sub-buffer is `[data-testid=subbuf-CPU-PAGE]` with `data-commit`; each pointer is
 * `[data-testid=pointer-CPU-NAME]` with `data-page`.
 */
export function drawPageRing(
	svg: SVGSVGElement,
	cpu: CpuState,
	{ subbufSize = 4096 }: PageRingOptions = {}
): void {
	const dataBytes = subbufSize - SUBBUF_HEADER_BYTES;
	const ring = fromLowestPage(cpu.ring);
	const root = select(svg)
		.attr('viewBox', `0 0 ${WIDTH} ${HEIGHT}`)
		.attr('role', 'img')
		.attr('aria-label', `Page ring of CPU ${cpu.cpu}`)
		.attr('data-testid', `ring-cpu-${cpu.cpu}`)
		.attr('font-family', 'system-ui, sans-serif')
		.attr('font-size', 12);
	root.selectAll('*').remove();

	const step = (2 * Math.PI) / Math.max(ring.length, 1);
	const fillOf = (page: number): number =>
		Math.min(1, Math.max(0, (cpu.pages[page]?.commit ?? 0) / dataBytes));
	const slot = (page: number): number => ring.indexOf(page);

	// The ring: one arc per sub-buffer, in ring order, clockwise from 12 o'clock.
	const slice = (i: number, outerRadius: number) => ({
		innerRadius: R_INNER,
		outerRadius,
		startAngle: i * step,
		endAngle: (i + 1) * step,
		padAngle: 0.03
	});
	const pages = root
		.append('g')
		.attr('transform', `translate(${CX},${CY})`)
		.selectAll('g')
		.data(ring)
		.join('g')
		.attr('data-testid', (page) => `subbuf-${cpu.cpu}-${page}`)
		.attr('data-commit', (page) => cpu.pages[page]?.commit ?? 0);
	pages.append('title').text((page) => describe(cpu, page, dataBytes));
	pages
		.append('path')
		.attr('d', (_, i) => ringArc(slice(i, R_OUTER)))
		.attr('fill', COLORS.page)
		.attr('stroke', COLORS.outline);
	pages
		.append('path')
		.attr('d', (page, i) => ringArc(slice(i, R_INNER + (R_OUTER - R_INNER) * fillOf(page))))
		.attr('fill', COLORS.fill);
	pages
		.append('text')
		.attr('transform', (_, i) => `translate(${ringArc.centroid(slice(i, R_OUTER)).join(',')})`)
		.attr('text-anchor', 'middle')
		.attr('dominant-baseline', 'central')
		.attr('fill', COLORS.text)
		.text((page) => page);

	// The reader page sits outside the ring: it is not linked into it.
	if (slot(cpu.reader) < 0) {
		const reader = root
			.append('g')
			.attr('data-testid', `subbuf-${cpu.cpu}-${cpu.reader}`)
			.attr('data-commit', cpu.pages[cpu.reader]?.commit ?? 0)
			.attr('transform', `translate(${READER.x},${READER.y})`);
		reader.append('title').text(describe(cpu, cpu.reader, dataBytes));
		reader
			.append('text')
			.attr('x', READER.size / 2)
			.attr('y', -8)
			.attr('text-anchor', 'middle')
			.attr('fill', COLORS.text)
			.text('reader page');
		reader
			.append('rect')
			.attr('width', READER.size)
			.attr('height', READER.size)
			.attr('fill', COLORS.page)
			.attr('stroke', COLORS.outline);
		const filled = READER.size * fillOf(cpu.reader);
		reader
			.append('rect')
			.attr('y', READER.size - filled)
			.attr('width', READER.size)
			.attr('height', filled)
			.attr('fill', COLORS.fill);
		reader
			.append('text')
			.attr('x', READER.size / 2)
			.attr('y', READER.size / 2)
			.attr('text-anchor', 'middle')
			.attr('dominant-baseline', 'central')
			.attr('fill', COLORS.text)
			.text(cpu.reader);
	}

	// Pointer marks: a dot at the page and a label; marks on the same page stack up.
	const stacked = new Map<number, number>();
	for (const name of POINTERS) {
		const page = cpu[name];
		const level = stacked.get(page) ?? 0;
		stacked.set(page, level + 1);
		const at = anchor(slot(page), step, level);
		const mark = root
			.append('g')
			.attr('data-testid', `pointer-${cpu.cpu}-${name}`)
			.attr('data-page', page)
			.attr('transform', `translate(${at.x},${at.y})`)
			.attr('fill', COLORS[name]);
		mark.append('circle').attr('r', 4);
		mark.append('text')
			.attr('x', at.anchor === 'start' ? 8 : -8)
			.attr('text-anchor', at.anchor)
			.attr('dominant-baseline', 'central')
			.attr('font-weight', 600)
			.text(`${name} → ${page}`);
	}
}

/**
 * The ring in its own order, rotated to start at its lowest page number: pages keep their place
 * on the circle while the head moves (the engine lists the ring from the head page).
 */
function fromLowestPage(ring: readonly number[]): number[] {
	const start = ring.indexOf(Math.min(...ring));
	return start <= 0 ? [...ring] : [...ring.slice(start), ...ring.slice(0, start)];
}

/** Where the `level`-th pointer mark of a page goes; `slot` -1 means the reader page. */
function anchor(
	slot: number,
	step: number,
	level: number
): { x: number; y: number; anchor: 'start' | 'end' } {
	if (slot < 0) {
		return { x: READER.x + 6, y: READER.y + READER.size + 16 + level * 16, anchor: 'start' };
	}
	// d3's arc angles start at 12 o'clock and run clockwise.
	const angle = (slot + 0.5) * step;
	const x = CX + (R_OUTER + 10) * Math.sin(angle);
	const y = CY - (R_OUTER + 10) * Math.cos(angle);
	const away = y < CY ? -1 : 1;
	return { x, y: y + away * level * 16, anchor: x >= CX ? 'start' : 'end' };
}

function describe(cpu: CpuState, page: number, dataBytes: number): string {
	const info = cpu.pages[page];
	if (!info) return `page ${page}`;
	return `page ${page}: ${info.commit} of ${dataBytes} bytes committed, ${info.entries} entries, ${info.link}`;
}
