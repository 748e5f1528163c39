/**
 * Names for the parts of what `ringlab kernel diff` compares: the field of a sub-buffer at a byte
 * offset (time_stamp, commit, a record's header, length word, payload, padding, after commit),
 * the meta page fields, the per_cpu stats from ringlab's counters, each with the kernel function
 * the engine mirrors there; and the left-over bytes that are not compared.
 */
import { BUF_PAGE_HDR_SIZE } from '../lib/ring/constants';
import { decodeRecords } from '../lib/ring/format';
import { META } from '../lib/ring/meta-page';
import type { KernelStats } from './record';
import { int32View } from './timing';

export const PAGE_MIRRORS = {
	time_stamp:
		'rb_update_event / __rb_reserve_next (first event on the page), ring_buffer_read_page (copied page: the read stamp)',
	commit: 'rb_set_commit_to_write (committed size), ring_buffer_read_page (real_end, RB_MISSED_EVENTS / RB_MISSED_STORED)',
	header: 'rb_update_event / rb_add_time_stamp (type_len, time_delta, time extend)',
	length: 'rb_update_event (array[0] of a large record), rb_calculate_event_length',
	payload: 'ring_buffer_write (the event data copied into the reservation)',
	padding: 'rb_reset_tail (end-of-page padding)',
	after: 'ring_buffer_read_page (missed-events count stored after the data, rest zeroed)'
} as const;

/** Names the field of a sub-buffer at byte `off`, from the kernel's copy of it. */
export function pageField(page: Buffer, off: number): { field: string; mirrors: string } {
	if (off < 8) return { field: 'time_stamp', mirrors: PAGE_MIRRORS.time_stamp };
	if (off < BUF_PAGE_HDR_SIZE) return { field: 'commit', mirrors: PAGE_MIRRORS.commit };
	const i32 = int32View(page);
	const size = page.readUInt32LE(8) & 0x07ffffff;
	const end = Math.min(size, page.length - BUF_PAGE_HDR_SIZE);
	const d = off - BUF_PAGE_HDR_SIZE;
	if (d >= end) return { field: `data[${d}] after commit (${end})`, mirrors: PAGE_MIRRORS.after };
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, end, 0)) {
		if (d < r.offset || d >= r.offset + r.length) continue;
		const at = `record at data offset ${r.offset} (${r.kind}, type_len ${r.typeLen})`;
		if (d < r.offset + 4)
			return { field: `header word of the ${at}`, mirrors: PAGE_MIRRORS.header };
		if (r.kind === 'padding')
			return { field: `body of the ${at}`, mirrors: PAGE_MIRRORS.padding };
		if (r.kind !== 'data')
			return { field: `array[0] of the ${at}`, mirrors: PAGE_MIRRORS.header };
		if (d < r.dataOffset!)
			return { field: `length word of the ${at}`, mirrors: PAGE_MIRRORS.length };
		if (d < r.dataOffset! + r.dataLength!)
			return {
				field: `payload byte ${d - r.dataOffset!} of the ${at}`,
				mirrors: PAGE_MIRRORS.payload
			};
		return { field: `alignment slack of the ${at}`, mirrors: PAGE_MIRRORS.payload };
	}
	return { field: `data[${d}]`, mirrors: PAGE_MIRRORS.header };
}

/** End of a sub-buffer's meaningful bytes: header, committed data, the stored missed count. */
export function dataEnd(page: Buffer): number {
	const c = page.readUInt32LE(8);
	const size = c & 0x07ffffff;
	return Math.min(page.length, BUF_PAGE_HDR_SIZE + size + (c & 0x40000000 ? 8 : 0));
}

/**
 * A copy of a sub-buffer with its left-over bytes zeroed: bytes the kernel did not write for the
 * events on the page, so they hold whatever the page held before. They are the alignment slack
 * after each payload (`written` gives the payload length of a record from its CPU and id), the
 * bodies of padding records and, for a mapped page, everything past the data. `layout` (the
 * kernel's copy) says where the records are, so both sides are masked alike.
 */
export function maskLeftovers(
	page: Buffer,
	mapped: boolean,
	written: (payload: Buffer) => number | undefined,
	layout: Buffer = page
): Buffer {
	const out = Buffer.from(page);
	if (mapped) out.fill(0, dataEnd(layout));
	const i32 = int32View(layout);
	const size = Math.min(layout.readUInt32LE(8) & 0x07ffffff, layout.length - BUF_PAGE_HDR_SIZE);
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, 0)) {
		const at = BUF_PAGE_HDR_SIZE + r.offset;
		if (r.kind === 'padding') out.fill(0, at + 8, at + r.length);
		if (r.kind !== 'data') continue;
		const start = BUF_PAGE_HDR_SIZE + r.dataOffset!;
		const len = written(layout.subarray(start, start + r.dataLength!));
		if (len !== undefined && len < r.dataLength!)
			out.fill(0, start + len, start + r.dataLength!);
	}
	return out;
}

export function firstByteDiff(a: Buffer, b: Buffer): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
	return a.length === b.length ? -1 : n;
}

export function word(b: Buffer, off: number, n: number): string {
	return b.subarray(off, off + n).toString('hex') || '(none)';
}

export const META_MIRRORS: Record<string, string> = {
	meta_page_size: 'rb_setup_ids_meta_page',
	meta_struct_len: 'rb_setup_ids_meta_page',
	subbuf_size: 'rb_setup_ids_meta_page',
	nr_subbufs: 'rb_setup_ids_meta_page',
	'reader.id': 'rb_update_meta_page (the reader page ID after ring_buffer_map_get_reader)',
	'reader.read': 'rb_update_meta_page (reader page read), ring_buffer_map_get_reader',
	'reader.lost_events': 'rb_update_meta_page'
};

export const META_SIZE: Record<string, number> = {
	'reader.lost_events': 8,
	flags: 8,
	entries: 8,
	overrun: 8,
	read: 8,
	Reserved1: 8,
	Reserved2: 8
};

export function metaField(off: number): string {
	let name = 'meta_page_size';
	for (const [k, o] of Object.entries(META)) if (off >= o) name = k;
	return name;
}

/** ringlab's counters, as per_cpu/cpuN/stats shows them (tracing_stats_read). */
export function statsFromCounters(c: Record<string, number>): KernelStats {
	return {
		entries: c.entries! - (c.overrun! + c.read!),
		overrun: c.overrun!,
		'commit overrun': c.commit_overrun!,
		bytes: c.entries_bytes! - c.read_bytes!,
		'dropped events': c.dropped_events!,
		'read events': c.read!
	};
}

export const STATS_MIRRORS: Record<keyof KernelStats, string> = {
	entries:
		'ring_buffer_entries_cpu = entries - (overrun + read): rb_commit, rb_handle_head_page, rb_advance_reader',
	overrun: 'rb_handle_head_page (overrun += entries of the page pushed out)',
	'commit overrun': 'rb_move_tail (commit_overrun)',
	bytes: 'ring_buffer_bytes_cpu = entries_bytes - read_bytes: rb_update_event, rb_reset_tail, rb_handle_head_page, readers',
	'dropped events': 'rb_move_tail (producer/consumer mode: dropped_events)',
	'read events': 'rb_advance_reader, ring_buffer_read_page, ring_buffer_map_get_reader (read)'
};
