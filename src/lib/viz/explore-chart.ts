// The Explore panel's chart (issue 15): the end states explore found, each a bar as long as the
// number of schedules that end in it, and the violations (the kernel's WARN_ON, a broken invariant
// or expectation), each as long as the states or moves that show it, in red. Bar lengths are on a
// log scale (one schedule beside thousands stays visible); the number is written beside each bar.
import { scaleLinear, select } from 'd3';
import type { ViolationKind } from '$lib/ring/explore';
import { COLOR } from './colors';

/**
 * One bar of the chart (an ExploreBar of src/lib/worker/explore-report.ts): an end state with the
 * schedules that end in it, or a violation with the times it was seen; `bad` is drawn red.
 */
export type ExploreChartBar = Readonly<{
	kind: 'end' | 'violation';
	label: string;
	detail: string;
}> &
	Readonly<{ count: number; bad: boolean; violation?: ViolationKind }>;

/** Options of {@link drawExploreChart}. */
export interface ExploreChartOptions {
	/** Width to draw in, CSS pixels. */
	width: number;
	/** The bar drawn as chosen (its index), or null. */
	chosen?: number | null;
	/** Called with a bar's index when it is clicked (or Enter / Space on it). */
	onSelect?: (index: number) => void;
}

export const ROW_HEIGHT = 50;
const FONT = 15;
const BAR_Y = 24;
const BAR_H = 18;
/** Room for the number after the longest bar. */
const NUMBER_ROOM = 140;
/** A character of the label at FONT px, roughly: labels longer than the width are cut. */
const CHAR_PX = 9.5;

function unit(b: ExploreChartBar): string {
	if (b.kind === 'end') return b.count === 1 ? 'schedule' : 'schedules';
	return b.count === 1 ? 'time' : 'times';
}

/** The words of a bar, cut to `chars` characters. */
function cut(text: string, chars: number): string {
	return text.length <= chars ? text : `${text.slice(0, Math.max(1, chars - 1))}…`;
}

/**
 * Draws `bars` into `svg` (replacing an earlier drawing): one row each, `[data-testid=explore-bar-INDEX]`
 * with `data-kind`, `data-bad` and `data-count`, a button (click, Enter or Space) when `onSelect`.
 */
export function drawExploreChart(
	svg: SVGSVGElement,
	bars: readonly ExploreChartBar[],
	options: ExploreChartOptions
): void {
	const { width, chosen = null, onSelect } = options;
	const max = Math.max(2, ...bars.map((b) => b.count));
	// A log scale as a linear one over the logarithm: d3's scaleLog would grow the first load's
	// shared d3 chunk, which the ring's drawings load (scaleLinear is there already).
	const linear = scaleLinear()
		.domain([0, Math.log(max)])
		.range([6, Math.max(40, width - NUMBER_ROOM)])
		.clamp(true);
	const x = (count: number) => linear(Math.log(count));
	const root = select(svg)
		.attr('width', width)
		.attr('height', bars.length * ROW_HEIGHT + 4)
		.attr('viewBox', `0 0 ${width} ${bars.length * ROW_HEIGHT + 4}`);
	root.selectAll('*').remove();
	const chars = Math.floor(width / CHAR_PX);
	bars.forEach((b, i) => {
		const label =
			b.kind === 'violation' ? `${b.violation ?? 'violation'}: ${b.label}` : b.label;
		const g = root
			.append('g')
			.attr('transform', `translate(0, ${i * ROW_HEIGHT + 2})`)
			.attr('data-testid', `explore-bar-${i}`)
			.attr('data-kind', b.kind)
			.attr('data-bad', String(b.bad))
			.attr('data-count', b.count)
			.attr('class', 'explore-bar')
			.style('cursor', onSelect ? 'pointer' : 'default');
		if (onSelect)
			g.attr('role', 'button')
				.attr('tabindex', 0)
				.attr(
					'aria-label',
					`${label}: ${b.count} ${unit(b)}; schedule ${b.detail}. Load it into the timeline`
				)
				.on('click', () => onSelect(i))
				.on('keydown', (e: KeyboardEvent) => {
					if (e.key !== 'Enter' && e.key !== ' ') return;
					e.preventDefault();
					onSelect(i);
				});
		g.append('title').text(`${label}\n${b.detail}`);
		// The row's background: the target of a click, and the chosen row's frame.
		g.append('rect')
			.attr('x', 0)
			.attr('y', 0)
			.attr('width', width)
			.attr('height', ROW_HEIGHT - 4)
			.attr('rx', 5)
			.style('fill', i === chosen ? COLOR.page : 'transparent')
			.style('stroke', i === chosen ? COLOR.select : 'none')
			.style('stroke-width', 2);
		g.append('text')
			.attr('x', 4)
			.attr('y', 17)
			.style('font-size', `${FONT}px`)
			.style('font-weight', b.kind === 'violation' ? '700' : '600')
			.style('fill', b.bad ? COLOR.bad : COLOR.text)
			.text(cut(`${label} · ${b.detail}`, chars));
		const w = x(Math.max(1, b.count));
		g.append('rect')
			.attr('x', 4)
			.attr('y', BAR_Y)
			.attr('width', w)
			.attr('height', BAR_H)
			.attr('rx', 3)
			.style('fill', b.bad ? COLOR.bad : COLOR.fill);
		g.append('text')
			.attr('x', 4 + w + 6)
			.attr('y', BAR_Y + BAR_H - 4)
			.style('font-size', `${FONT}px`)
			.style('fill', COLOR.text)
			.text(`${b.count.toLocaleString('en')} ${unit(b)}`);
	});
}
