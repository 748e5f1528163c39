// Draws one CPU's page ring (kernel.md §2): the sub-buffers as a circle in `next` order, each
// filled as far as it is committed and labelled with its ID once mapped; the reader page outside
// the ring; the HEAD / UPDATE flags on the links that carry them; and the head, commit, tail and
// reader pointers as distinct labelled marks. Reads an engine snapshot; never runs the engine.
import { arc, interpolate, path, select, type Path, type Selection } from 'd3';
import type { CpuState, PageState } from '$lib/ring';
import { count } from '$lib/text/plural';
import { COLOR } from './colors';
import { NO_CHANGES, type RingChanges } from './ring-changes';
import { drawLinks, drawReaderLink } from './ring-links';
import { drawPointers } from './ring-pointers';
import {
	fillShare,
	fitRing,
	labelMode,
	placeRing,
	polar,
	reservedBytes,
	ringGeometry,
	slotAngle,
	type Place,
	type RingGeometry
} from './ring-layout';

/** Options of {@link drawPageRing}. */
export interface PageRingOptions {
	/** Width to draw in, CSS pixels; without a height, the height follows (see ringGeometry). */
	width?: number;
	/** Height to fit the drawing in, CSS pixels (see fitRing). */
	height?: number;
	/** How far the whole drawing, text included, may grow past its natural size (see fitRing). */
	maxZoom?: number;
	/** The smallest zoom of the drawing's text (a projector's), room permitting (see fitRing). */
	minZoom?: number;
	/** Bytes of one sub-buffer, header included (`RingState.subbufSize`): sets the fill scale. */
	subbufSize?: number;
	/** Page drawn as selected (the inspector's page). */
	selectedPage?: number | null;
	/** Page drawn as highlighted (the pgoff the pointer or focus is on). */
	highlightPage?: number | null;
	/** Milliseconds a move takes; 0 draws the new state at once (prefers-reduced-motion). */
	duration?: number;
	/** Called with a page number when a sub-buffer is clicked or activated from the keyboard. */
	onSelect?: (page: number) => void;
	/** What the last step changed (see ringChanges): marked until the next step. */
	changes?: RingChanges;
}

// Selection.transition() and .interrupt() come from d3-transition, which patches d3-selection when
// it loads; d3 is marked free of side effects, so bundlers drop that unless it is imported itself.
import 'd3-transition';
import { follow } from './motion';

/** The sub-buffer header: a 64-bit time stamp and the 64-bit commit field (kernel.md §1.2). */
const SUBBUF_HEADER_BYTES = 16;
/** Where each page sat at the last draw into an element, so a swap moves one page, not all. */
const lastSlots = new WeakMap<Element, Map<number, number>>();
/**
 * What each drawn element showed last (a signature of its inputs): a redraw touches only what
 * changed, so a ring redrawn on every animation frame while writers run costs what moved, not
 * every attribute of every page (setting an attribute to the value it has still restyles).
 */
const lastDrawn = new WeakMap<Element, string>();
/** The current select callback of each ring, read by handlers bound once per page element. */
const selectHandlers = new WeakMap<Element, ((page: number) => void) | undefined>();

/** True (and remembered) when `key` differs from what `el` showed at its last draw. */
function changed(el: Element, key: string): boolean {
	if (lastDrawn.get(el) === key) return false;
	lastDrawn.set(el, key);
	return true;
}

type Layer = Selection<SVGGElement, string, SVGSVGElement, unknown>;

/**
 * Draws `cpu` into `svg`, moving what an earlier call drew. Each sub-buffer is
 * `[data-testid=subbuf-CPU-ID]` once mapped (`subbuf-CPU-pPAGE` before), with `data-page`,
 * `data-id`, `data-commit`; each pointer is `[data-testid=pointer-CPU-NAME]` with `data-page`;
 * each page's next link is `[data-testid=link-CPU-PAGE]` with `data-flag` and `data-next`.
 */
export function drawPageRing(svg: SVGSVGElement, cpu: CpuState, options: PageRingOptions = {}) {
	const {
		subbufSize = 4096,
		selectedPage = null,
		highlightPage = null,
		duration: asked = 0,
		changes = NO_CHANGES
	} = options;
	// A ring's first drawing appears at once: nothing has moved yet, and the page is usable sooner.
	const duration = lastSlots.has(svg) ? asked : 0;
	const width = options.width ?? 440;
	const { geometry: g, zoom } =
		options.height === undefined
			? { geometry: ringGeometry(width), zoom: 1 }
			: fitRing(width, options.height, options.maxZoom, options.minZoom);
	const size = `${g.width}x${g.height}`;
	const capacity = subbufSize - SUBBUF_HEADER_BYTES;
	const n = cpu.ring.length;
	const slots = placeRing(cpu.ring, lastSlots.get(svg));
	lastSlots.set(svg, slots);
	const place = (page: number): Place | null => {
		const slot = slots.get(page);
		if (slot !== undefined) return { ring: true, angle: slotAngle(slot, n) };
		return page === cpu.reader ? { ring: false } : null;
	};
	const pageOf = (p: number): PageState | undefined => cpu.pages[p];
	const share = (p: number) => fillShare(pageOf(p)?.commit ?? 0, capacity);
	const reserved = (p: number) => {
		const page = pageOf(p);
		return page ? reservedBytes(page, capacity) : 0;
	};
	// The reserved band runs from the committed share to the write index's share.
	const reservedEnd = (p: number) => fillShare((pageOf(p)?.commit ?? 0) + reserved(p), capacity);
	const role = (p: number) => (slots.has(p) ? 'ring' : 'reader');

	const root = select(svg);
	const about = summary(cpu);
	if (changed(svg, `${size}|${zoom}|${cpu.cpu}|${about}`))
		root.attr('width', g.width * zoom)
			.attr('height', g.height * zoom)
			.attr('viewBox', `0 0 ${g.width} ${g.height}`)
			.attr('role', 'group')
			.attr('aria-label', about)
			.attr('data-testid', `ring-cpu-${cpu.cpu}`)
			.style('font-size', '13px');
	// Layers are made once; setting an attribute to the value it has still costs a style pass.
	const layer = (name: string): Layer =>
		root
			.selectAll<SVGGElement, string>(`g.${name}`)
			.data([name])
			.join((enter) => enter.append('g').attr('class', name));
	hatch(root, svg);
	const linksLayer = layer('links');
	const pagesLayer = layer('pages');
	const pointersLayer = layer('pointers');

	const mode = labelMode(n);
	selectHandlers.set(svg, options.onSelect);
	const all = pagesLayer
		.selectAll<SVGGElement, number>('g.page')
		.data(
			[...cpu.ring, cpu.reader].filter((p) => pageOf(p)),
			(p) => p
		)
		.join((enter) => {
			const e = enter.append('g').attr('class', 'page').style('opacity', 0);
			e.append('title');
			e.append('path').attr('class', 'frame');
			e.append('path').attr('class', 'fill');
			e.append('path').attr('class', 'reserved').style('pointer-events', 'none');
			return e
				.attr('tabindex', 0)
				.attr('role', 'button')
				.style('cursor', 'pointer')
				.on('click', (_e, p) => selectHandlers.get(svg)?.(p))
				.on('keydown', (e: KeyboardEvent, p) => {
					if (e.key !== 'Enter' && e.key !== ' ') return;
					e.preventDefault();
					selectHandlers.get(svg)?.(p);
				});
		});
	// Only what changed is touched below: where a page sits, what it is called, how full it is.
	// While writers run most pages keep their place and name and only their fill moves.
	const where = (p: number) => `${size},${n},${role(p)},${slots.get(p)}`;
	const named = (p: number) =>
		`${pageOf(p)!.id},${p === selectedPage},${p === highlightPage},${changes.pages.has(p)}`;
	const filled = (p: number) =>
		`${pageOf(p)!.commit},${reserved(p)},${pageOf(p)!.entries},${capacity},${mode},${duration > 0}`;
	const only = <E extends Element>(
		sel: Selection<E, number, SVGGElement, unknown>,
		key: (p: number) => string
	) =>
		sel.filter(function (p) {
			return changed(this, key(p));
		});
	const moved = only(all, (p) => `${where(p)}|${named(p)}`);
	moved
		.each(function (p) {
			// A page that changed places (a reader swap) fades in where it landed.
			if (this.dataset.role && this.dataset.role !== role(p)) this.style.opacity = '0.2';
		})
		.attr('data-testid', (p) => subbufTestId(cpu.cpu, pageOf(p)!))
		.attr('data-page', (p) => p)
		.attr('data-id', (p) => pageOf(p)?.id ?? '')
		.attr('data-role', role)
		.attr('data-changed', (p) => (changes.pages.has(p) ? 'true' : null))
		.attr('aria-pressed', (p) => String(p === selectedPage));
	// The title stands for the page's words: its name and fill, also in the group's attributes.
	only(all.select<SVGTitleElement>('title'), (p) => `${where(p)}|${named(p)}|${filled(p)}`).each(
		function (p) {
			const page = pageOf(p)!;
			const words = describe(page, capacity, slots.has(p));
			this.textContent = words;
			const group = this.parentElement!;
			group.dataset.commit = String(page.commit);
			group.dataset.reserved = String(reserved(p));
			group.dataset.entries = String(page.entries);
			group.setAttribute('aria-label', words);
		}
	);
	const marked = (p: number) => p === selectedPage || p === highlightPage;
	only(all.select<SVGPathElement>('path.frame'), (p) => `${where(p)}|${named(p)}`)
		.attr('d', (p) => sectorShape(g, place(p), n, 1))
		.style('fill', COLOR.page)
		.style('stroke', (p) =>
			p === selectedPage
				? COLOR.select
				: p === highlightPage
					? COLOR.highlight
					: changes.pages.has(p)
						? COLOR.changed
						: COLOR.outline
		)
		.style('stroke-width', (p) => (marked(p) ? 3.5 : changes.pages.has(p) ? 2.5 : 1))
		.style('stroke-dasharray', (p) =>
			p === highlightPage && p !== selectedPage
				? '5 3'
				: !marked(p) && changes.pages.has(p)
					? '2 3'
					: null
		);
	const fills = only(
		all.select<SVGPathElement>('path.fill'),
		(p) => `${where(p)}|${filled(p)}`
	).style('fill', COLOR.fill);
	const before = new Map<Element, number>();
	fills.each(function () {
		before.set(this, Number(this.dataset.share ?? 0));
	});
	fills.attr('data-share', share);
	// Only a fill whose share changed moves; one redrawn for a new size or place is set at once
	// (a move that changes nothing would keep the lab "running" for nothing).
	const growing = (el: Element, p: number) => duration > 0 && before.get(el) !== share(p);
	fills
		.filter(function (p) {
			return !growing(this, p);
		})
		.interrupt()
		.attr('d', (p) => sectorShape(g, place(p), n, share(p)));
	follow(
		fills
			.filter(function (p) {
				return growing(this, p);
			})
			.transition()
			.duration(duration)
			.attrTween('d', function (p) {
				const i = interpolate(before.get(this) ?? 0, share(p));
				return (t) => sectorShape(g, place(p), n, i(t));
			})
	);
	const bands = only(
		all.select<SVGPathElement>('path.reserved'),
		(p) => `${where(p)}|${filled(p)}`
	).style('fill', `url(#${hatchId(svg)})`);
	// A reservation is drawn at least 5 px thick: an event is a sliver of a 4 KiB page.
	const band = (p: number, from: number, to: number) => {
		const least = 5 / (slots.has(p) ? g.rOut - g.rIn : g.reader.h);
		const lo = Math.max(0, Math.min(from, 1 - least));
		return sectorShape(g, place(p), n, Math.max(to, lo + least), lo);
	};
	const bandBefore = new Map<Element, [number, number]>();
	bands.each(function () {
		bandBefore.set(this, [Number(this.dataset.from ?? 0), Number(this.dataset.to ?? 0)]);
	});
	bands.attr('data-from', share).attr('data-to', reservedEnd);
	const moves = (el: Element, p: number) => {
		const [from0, to0] = bandBefore.get(el) ?? [0, 0];
		return duration > 0 && (from0 !== share(p) || to0 !== reservedEnd(p));
	};
	bands
		.filter(function (p) {
			return !moves(this, p);
		})
		.interrupt()
		.attr('d', (p) => (reserved(p) ? band(p, share(p), reservedEnd(p)) : ''));
	follow(
		bands
			.filter(function (p) {
				return moves(this, p);
			})
			.transition()
			.duration(duration)
			.attrTween('d', function (p) {
				const [from0, to0] = bandBefore.get(this) ?? [0, 0];
				const a = interpolate(from0, share(p));
				const b = interpolate(to0, reservedEnd(p));
				return (t) => (b(t) > a(t) ? band(p, a(t), b(t)) : '');
			})
	);
	// Labels only where there is room for them (none on a ring of more than 24 sub-buffers; the
	// reader page always has one): an empty text per page is still an object to lay out and paint.
	all.each(function (p) {
		const last = this.lastElementChild;
		const has = last?.classList.contains('label') ?? false;
		const wants = !slots.has(p) || mode !== 'none';
		if (wants && !has) select(this).append('text').attr('class', 'label');
		else if (!wants && has) last!.remove();
	});
	only(
		all.select<SVGTextElement>('text.label'),
		(p) => `${where(p)}|${named(p)}|${filled(p)}`
	).each(function (p) {
		label(this, g, pageOf(p)!, place(p), slots.has(p) ? mode : 'full', share(p));
	});
	const fading = moved.filter(function () {
		return this.style.opacity !== '1';
	});
	if (duration <= 0) fading.style('opacity', 1);
	else follow(fading.transition().duration(duration).style('opacity', 1));

	const at = (p: number) => `${p}:${slots.get(p) ?? 'r'}:${cpu.pages[p]?.id ?? ''}`;
	const links = [
		size,
		cpu.reader,
		...cpu.ring.map((p) => `${at(p)}:${cpu.pages[p]?.link}:${cpu.pages[p]?.next}`),
		cpu.pages[cpu.reader]?.next,
		[...changes.links].join(' ')
	];
	if (changed(linksLayer.node()!, links.join())) {
		linksLayer.attr('transform', `translate(${g.cx},${g.cy})`);
		drawLinks(linksLayer, g, cpu, slots, n, changes.links);
		drawReaderLink(pagesLayer, g, cpu, slots, n);
		drawReaderCaption(pagesLayer, g);
	}
	const marks = [
		size,
		duration > 0,
		at(cpu.head),
		at(cpu.commit),
		at(cpu.tail),
		at(cpu.reader),
		[...changes.pointers].join(' ')
	];
	if (changed(pointersLayer.node()!, marks.join()))
		drawPointers(pointersLayer, g, cpu, place, duration, changes.pointers);
}

/** The testid of a sub-buffer: by ID once mapped (spec §4), by page number before. */
export function subbufTestId(cpu: number, page: Pick<PageState, 'id' | 'page'>): string {
	return page.id === null ? `subbuf-${cpu}-p${page.page}` : `subbuf-${cpu}-${page.id}`;
}

/**
 * A d3 path context that shifts everything by (dx, dy). The sectors are drawn in the SVG's own
 * coordinates rather than under a translate() per page: every transform is a node the browser
 * carries through each frame's paint (hundreds of pages with 8 CPUs of 64 sub-buffers).
 */
class ShiftedPath {
	dx = 0;
	dy = 0;
	out: Path = path();
	moveTo(x: number, y: number) {
		this.out.moveTo(x + this.dx, y + this.dy);
	}
	lineTo(x: number, y: number) {
		this.out.lineTo(x + this.dx, y + this.dy);
	}
	arc(x: number, y: number, r: number, a0: number, a1: number, ccw?: boolean) {
		this.out.arc(x + this.dx, y + this.dy, r, a0, a1, ccw);
	}
	closePath() {
		this.out.closePath();
	}
}

const shifted = new ShiftedPath();
const ringArc = arc<{ start: number; end: number; inner: number; outer: number }>()
	.innerRadius((d) => d.inner)
	.outerRadius((d) => d.outer)
	.startAngle((d) => d.start)
	.endAngle((d) => d.end)
	.padAngle(0.025)
	.context(shifted as unknown as CanvasRenderingContext2D);

/**
 * A sub-buffer filled from share `from` to share `s`: its ring sector grown outwards, or the
 * reader box upwards.
 */
function sectorShape(g: RingGeometry, at: Place | null, n: number, s: number, from = 0): string {
	if (!at) return '';
	if (!at.ring) {
		const h = g.reader.h * (s - from);
		const bottom = g.reader.y + g.reader.h - g.reader.h * from;
		return `M${g.reader.x},${bottom - h}h${g.reader.w}v${h}h${-g.reader.w}Z`;
	}
	const half = Math.PI / Math.max(n, 1);
	const inner = g.rIn + (g.rOut - g.rIn) * from;
	const outer = g.rIn + (g.rOut - g.rIn) * s;
	shifted.dx = g.cx;
	shifted.dy = g.cy;
	shifted.out = path();
	ringArc({ start: at.angle - half, end: at.angle + half, inner, outer });
	return shifted.out.toString();
}

function label(
	el: SVGTextElement,
	g: RingGeometry,
	page: PageState,
	at: Place | null,
	mode: 'full' | 'short' | 'none',
	s: number
): void {
	const text = select(el);
	text.selectAll('tspan').remove();
	if (!at || mode === 'none') return;
	const [px, py] = at.ring ? polar((g.rIn + g.rOut) / 2, at.angle) : [0, 0];
	const [x, y] = at.ring
		? [g.cx + px, g.cy + py]
		: [g.reader.x + g.reader.w / 2, g.reader.y + g.reader.h / 2];
	text.attr('text-anchor', 'middle')
		.attr('x', x)
		.attr('y', y)
		.style('fill', COLOR.text)
		.style('stroke', COLOR.page)
		.style('stroke-width', 3)
		.style('paint-order', 'stroke')
		.style('stroke-linejoin', 'round')
		.style('pointer-events', 'none');
	if (mode === 'short') {
		text.append('tspan')
			.attr('x', x)
			.attr('dy', '0.35em')
			.text(page.id ?? page.page);
		return;
	}
	const name = page.id === null ? `p${page.page}` : `ID ${page.id}`;
	text.append('tspan').attr('x', x).attr('dy', '-0.15em').style('font-weight', 700).text(name);
	text.append('tspan')
		.attr('x', x)
		.attr('dy', '1.15em')
		.text(`${Math.round(s * 100)}%`);
}

function drawReaderCaption(layer: Layer, g: RingGeometry): void {
	layer
		.selectAll('text.reader-caption')
		.data([0])
		.join('text')
		.attr('class', 'reader-caption')
		.attr('x', g.reader.x + g.reader.w / 2)
		.attr('y', g.reader.y - 7)
		.attr('text-anchor', 'middle')
		.style('fill', COLOR.muted)
		.style('font-size', '12px')
		.text('reader page');
}

function describe(page: PageState, capacity: number, inRing: boolean): string {
	const name =
		page.id === null ? `page ${page.page}` : `sub-buffer ID ${page.id} (page ${page.page})`;
	const where = inRing ? '' : ', the reader page';
	const held = reservedBytes(page, capacity);
	const reserved = held ? `, ${held} more reserved by a writer and not committed yet` : '';
	return `${name}${where}: ${page.commit} of ${capacity} bytes committed${reserved}, ${count(page.entries, 'entry', 'entries')}`;
}

/** Each ring's own id for its hatch pattern (ids are page-wide; rings are many). */
const hatchIds = new WeakMap<Element, string>();
let hatches = 0;
function hatchId(svg: SVGSVGElement): string {
	let id = hatchIds.get(svg);
	if (!id) hatchIds.set(svg, (id = `rl-reserved-hatch-${++hatches}`));
	return id;
}

/** The stripes that fill reserved bytes: the commit pointer's colour, not yet solid. */
function hatch(root: Selection<SVGSVGElement, unknown, null, undefined>, svg: SVGSVGElement): void {
	if (root.select('defs pattern').size()) return;
	const pattern = root
		.append('defs')
		.append('pattern')
		.attr('id', hatchId(svg))
		.attr('patternUnits', 'userSpaceOnUse')
		.attr('width', 6)
		.attr('height', 6)
		.attr('patternTransform', 'rotate(45)');
	pattern.append('rect').attr('width', 6).attr('height', 6).style('fill', COLOR.page);
	pattern.append('rect').attr('width', 3).attr('height', 6).style('fill', COLOR.reserved);
}

function summary(cpu: CpuState): string {
	const name = (p: number) => {
		const id = cpu.pages[p]?.id;
		return id === null || id === undefined ? `page ${p}` : `ID ${id}`;
	};
	return (
		`CPU ${cpu.cpu} page ring, ${count(cpu.nrPages, 'sub-buffer')} and a reader page: ` +
		`head ${name(cpu.head)}, commit ${name(cpu.commit)}, tail ${name(cpu.tail)}, reader ${name(cpu.reader)}`
	);
}
