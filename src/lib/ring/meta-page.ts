/**
 * struct trace_buffer_meta, the page user space maps at pgoff 0 (include/uapi/linux/trace_mmap.h),
 * 80 bytes, little-endian. The kernel writes it only on the reader side: at the first mapping
 * (rb_setup_ids_meta_page), at the end of every GET_READER ioctl and on a reset while mapped
 * (rb_update_meta_page). Writers never touch it: between two updates it is stale by design.
 * Checked against include/uapi/linux/trace_mmap.h and ring_buffer.c of 6.10 and 6.12.
 */
import { BUF_PAGE_HDR_SIZE, META_STRUCT_LEN } from './constants';
import {
	D_ID,
	D_READ,
	H_HISTORY,
	HISTORY_META_NO_READ,
	S_READER_PAGE,
	SF_ENTRIES,
	SF_LOST_EVENTS,
	SF_OVERRUN,
	SF_READ
} from './layout';
import { descI, metaOff, structF, structI, type Ring } from './ring';

/** Byte offsets of the fields, as in the UAPI header. */
export const META = {
	meta_page_size: 0,
	meta_struct_len: 4,
	subbuf_size: 8,
	nr_subbufs: 12,
	'reader.lost_events': 16,
	'reader.id': 24,
	'reader.read': 28,
	flags: 32,
	entries: 40,
	overrun: 48,
	read: 56,
	Reserved1: 64,
	Reserved2: 72
} as const;

export interface MetaFields {
	meta_page_size: number;
	meta_struct_len: number;
	subbuf_size: number;
	nr_subbufs: number;
	reader: { lost_events: number; id: number; read: number };
	flags: number;
	entries: number;
	overrun: number;
	read: number;
	Reserved1: number;
	Reserved2: number;
}

/** A u64 field (little-endian, as the host: ring.ts refuses a big-endian one) at byte `off`. */
function setU64(ring: Ring, off: number, v: number): void {
	ring.i32[off >> 2] = (v % 2 ** 32) | 0;
	ring.i32[(off >> 2) + 1] = Math.floor(v / 2 ** 32) | 0;
}

/**
 * rb_update_meta_page: reader position and counters as of now. (Int32Array stores, the same
 * bytes as DataView's little-endian setUint32, cheaper on a SharedArrayBuffer: this runs on every
 * GET_READER.)
 */
export function updateMetaPage(ring: Ring, s: number): void {
	const m = metaOff(ring, s);
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	const rp = ring.i32[SI + S_READER_PAGE]!;
	const d = descI(ring, s, rp);
	// History switch "meta-without-reader-read" (v2 of the series, March 2023): the meta page did
	// not expose reader_page->read, so a new mapper could not know what an earlier one consumed
	// (kernel.md §4.12 item 3; the field came in v3). The word stays 0.
	ring.i32[(m + META['reader.read']) >> 2] =
		ring.i32[H_HISTORY]! & HISTORY_META_NO_READ ? 0 : ring.i32[d + D_READ]!;
	ring.i32[(m + META['reader.id']) >> 2] = ring.i32[d + D_ID]!;
	setU64(ring, m + META['reader.lost_events'], ring.f64[SF + SF_LOST_EVENTS]!);
	setU64(ring, m + META.entries, ring.f64[SF + SF_ENTRIES]!);
	setU64(ring, m + META.overrun, ring.f64[SF + SF_OVERRUN]!);
	setU64(ring, m + META.read, ring.f64[SF + SF_READ]!);
}

/** The fixed fields written once by rb_setup_ids_meta_page, then the rest. */
export function setupMetaPage(ring: Ring, s: number): void {
	const m = metaOff(ring, s);
	const nr = ring.L.nrPages[s]! + 1;
	ring.u8.fill(0, m, m + ring.L.metaPageSize);
	ring.dv.setUint32(m + META.meta_struct_len, META_STRUCT_LEN, true);
	ring.dv.setUint32(m + META.nr_subbufs, nr, true);
	ring.dv.setUint32(m + META.subbuf_size, ring.L.capacity + BUF_PAGE_HDR_SIZE, true);
	ring.dv.setUint32(m + META.meta_page_size, ring.L.metaPageSize, true);
	updateMetaPage(ring, s);
}

/** Parses a meta page from raw bytes (what user space does with its mapping). */
export function parseMeta(bytes: Uint8Array): MetaFields {
	const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const u32 = (o: number) => dv.getUint32(o, true);
	const u64 = (o: number) => dv.getUint32(o, true) + dv.getUint32(o + 4, true) * 2 ** 32;
	return {
		meta_page_size: u32(META.meta_page_size),
		meta_struct_len: u32(META.meta_struct_len),
		subbuf_size: u32(META.subbuf_size),
		nr_subbufs: u32(META.nr_subbufs),
		reader: {
			lost_events: u64(META['reader.lost_events']),
			id: u32(META['reader.id']),
			read: u32(META['reader.read'])
		},
		flags: u64(META.flags),
		entries: u64(META.entries),
		overrun: u64(META.overrun),
		read: u64(META.read),
		Reserved1: u64(META.Reserved1),
		Reserved2: u64(META.Reserved2)
	};
}
