// Draws one sub-buffer's data area as a strip (kernel.md §1.3-1.6): every record at its byte
// offset and length, coloured by kind (data, padding, time extend, time stamp), the free space
// after `commit`, the stored missed-events count, and where the reader has read up to.
import { scaleLinear, select } from 'd3';
import type { DecodedRecord } from '$lib/ring';
import { COLOR } from './colors';

/** Options of {@link drawRecordStrip}. */
export interface RecordStripOptions {
	/** Width to draw in, CSS pixels. */
	width?: number;
	/** Bytes of the data area (sub-buffer size minus its 16-byte header). */
	capacity: number;
	/** Committed bytes (flags masked). */
	commit: number;
	/**
	 * Bytes a writer reserved after `commit` and has not committed yet (see reservedBytes):
	 * striped, neither free nor readable.
	 */
	reserved?: number;
	/** Reader position on this page, in bytes; drawn when > 0. */
	read?: number;
	/** Whether a missed-events count is stored right after the data (RB_MISSED_STORED). */
	missedStored?: boolean;
	/** Offset of the record drawn as selected. */
	selectedOffset?: number | null;
	/** Called with a record's offset when it is clicked. */
	onSelect?: (offset: number) => void;
}

export const STRIP_HEIGHT = 72;
const PAD = 8;
const BAR_Y = 20;
const BAR_H = 30;

/** Fill colour of a record kind. */
export const KIND_COLOR: Record<DecodedRecord['kind'] | 'missed' | 'free', string> = {
	data: COLOR.data,
	padding: COLOR.padding,
	time_extend: COLOR.timeExtend,
	time_stamp: COLOR.timeStamp,
	missed: COLOR.missed,
	free: COLOR.free
};

/**
 * Draws `records` into `svg`, replacing what an earlier call drew. Each record is
 * `[data-testid=record-OFFSET]` with `data-kind` and `data-length`.
 */
export function drawRecordStrip(
	svg: SVGSVGElement,
	records: readonly DecodedRecord[],
	options: RecordStripOptions
): void {
	const {
		capacity,
		commit,
		reserved = 0,
		read = 0,
		missedStored = false,
		selectedOffset = null
	} = options;
	const width = Math.max(200, options.width ?? 600) - 2 * PAD;
	const x = scaleLinear()
		.domain([0, Math.max(capacity, 1)])
		.range([0, width]);
	const counts = new Map<string, number>();
	for (const r of records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
	const root = select(svg)
		.attr('width', width + 2 * PAD)
		.attr('height', STRIP_HEIGHT)
		.attr('viewBox', `${-PAD} 0 ${width + 2 * PAD} ${STRIP_HEIGHT}`)
		.attr('role', 'img')
		.attr(
			'aria-label',
			`Records of the sub-buffer: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}; ${commit} of ${capacity} bytes committed${reserved ? `, ${reserved} more reserved and not committed` : ''}`
		)
		.style('font-size', '13px');
	root.selectAll('*').remove();
	const hatch = root
		.append('defs')
		.append('pattern')
		.attr('id', 'rl-strip-reserved')
		.attr('patternUnits', 'userSpaceOnUse')
		.attr('width', 6)
		.attr('height', 6)
		.attr('patternTransform', 'rotate(45)');
	hatch.append('rect').attr('width', 6).attr('height', 6).style('fill', COLOR.free);
	hatch.append('rect').attr('width', 3).attr('height', 6).style('fill', COLOR.reserved);

	root.append('rect')
		.attr('x', 0)
		.attr('y', BAR_Y)
		.attr('width', width)
		.attr('height', BAR_H)
		.style('fill', COLOR.free)
		.style('stroke', COLOR.outline);

	const minWidth = 1.5;
	root.append('g')
		.selectAll('rect')
		.data(records)
		.join('rect')
		.attr('data-testid', (r) => `record-${r.offset}`)
		.attr('data-kind', (r) => r.kind)
		.attr('data-length', (r) => r.length)
		.attr('x', (r) => x(r.offset))
		.attr('y', BAR_Y)
		.attr('width', (r) => Math.max(minWidth, x(r.length) - x(0)))
		.attr('height', BAR_H)
		.style('fill', (r) => KIND_COLOR[r.kind])
		.style('stroke', (r) => (r.offset === selectedOffset ? COLOR.select : COLOR.page))
		.style('stroke-width', (r) => (r.offset === selectedOffset ? 3 : 0.6))
		.style('cursor', (r) => (r.kind === 'data' ? 'pointer' : null))
		.on('click', (_e, r) => options.onSelect?.(r.offset))
		.append('title')
		.text((r) => `${r.kind} at ${r.offset}, ${r.length} bytes, ts ${r.ts}`);

	if (reserved > 0)
		root.append('rect')
			.attr('data-testid', 'strip-reserved')
			.attr('data-length', reserved)
			.attr('x', x(commit))
			.attr('y', BAR_Y)
			.attr('width', Math.max(minWidth, x(reserved) - x(0)))
			.attr('height', BAR_H)
			.style('fill', 'url(#rl-strip-reserved)')
			.style('stroke', COLOR.reserved)
			.append('title')
			.text(
				`${reserved} bytes reserved by a writer at ${commit}, not committed: readers stop at commit`
			);

	if (missedStored)
		root.append('rect')
			.attr('data-testid', 'record-missed')
			.attr('x', x(commit))
			.attr('y', BAR_Y)
			.attr('width', Math.max(minWidth, x(8) - x(0)))
			.attr('height', BAR_H)
			.style('fill', KIND_COLOR.missed)
			.append('title')
			.text('missed-events count stored after the data (RB_MISSED_STORED)');

	marker(root, width, x(commit), 'commit', 'top');
	if (read > 0) marker(root, width, x(read), 'read', 'bottom');
}

function marker(
	root: ReturnType<typeof select<SVGSVGElement, unknown>>,
	width: number,
	at: number,
	name: string,
	side: 'top' | 'bottom'
): void {
	const g = root.append('g').attr('data-testid', `strip-${name}`).attr('data-x', at);
	const top = side === 'top';
	g.append('line')
		.attr('x1', at)
		.attr('x2', at)
		.attr('y1', top ? BAR_Y - 6 : BAR_Y)
		.attr('y2', top ? BAR_Y + BAR_H : BAR_Y + BAR_H + 6)
		.style('stroke', COLOR.text)
		.style('stroke-width', 2);
	g.append('text')
		.attr('x', at)
		.attr('y', top ? BAR_Y - 8 : BAR_Y + BAR_H + 17)
		.attr('text-anchor', at > width - 60 ? 'end' : at < 60 ? 'start' : 'middle')
		.style('fill', COLOR.text)
		.style('font-weight', 600)
		.text(name);
}
