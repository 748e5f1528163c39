/**
 * What user space does with a mapping (Documentation/trace/ring-buffer-map.rst, libtracefs's
 * tracefs-mmap.c): read the meta page, find the reader sub-buffer at
 * meta_page_size + reader.id * subbuf_size, and parse its records up to the sub-buffer's commit.
 * It reads only the mapped bytes (zero-copy views), never the engine's own structures.
 */
import {
	BUF_PAGE_HDR_SIZE,
	META_STRUCT_LEN,
	PAGE_SIZE,
	RB_MISSED_EVENTS,
	RB_MISSED_STORED
} from './constants';
import { load } from './atomics';
import { refuse } from './errors';
import { decodeRecords, hex } from './format';
import { mappedBytes, type Mapping } from './mapping';
import { parseMeta, type MetaFields } from './meta-page';
import type { ConsumedEvent } from './reader';
import type { Ring } from './ring';

export interface MappedPage {
	meta: MetaFields;
	/** The reader sub-buffer's bytes, a view into the mapping. */
	bytes: Uint8Array;
}

/**
 * The meta page as user space reads it through `m`, a mapping that covers pgoff 0 (stale between
 * the kernel's updates, as in the kernel; can be late while writers run on other threads).
 */
export function readMetaPage(ring: Ring, m: Mapping): MetaFields {
	if (m.pgoff !== 0)
		refuse('EINVAL', `mapping "${m.name}" does not cover the meta page (pgoff 0)`);
	return parseMeta(mappedBytes(ring, m, 0, META_STRUCT_LEN)!);
}

/** Meta page (through a mapping of pgoff 0 of the same CPU) and the reader sub-buffer through m. */
export function readerSubbuf(ring: Ring, m: Mapping, maps: Mapping[]): MappedPage {
	const metaMap = m.pgoff === 0 ? m : maps.find((o) => o.cpu === m.cpu && o.pgoff === 0);
	if (!metaMap) refuse('EINVAL', `no mapping of CPU ${m.cpu} covers the meta page (pgoff 0)`);
	const meta = parseMeta(mappedBytes(ring, metaMap, 0, META_STRUCT_LEN)!);
	const start = meta.meta_page_size + meta.reader.id * meta.subbuf_size - m.pgoff * PAGE_SIZE;
	const end = start + meta.subbuf_size;
	if (start < 0 || end > m.pages.length * PAGE_SIZE)
		refuse(
			'EINVAL',
			`mapping "${m.name}" does not cover the reader sub-buffer (ID ${meta.reader.id})`
		);
	const bytes = mappedBytes(ring, m, start, meta.subbuf_size)!;
	return { meta, bytes };
}

/**
 * readMapped: the events of the reader sub-buffer from reader.read to its commit, and the missed
 * events its commit word announces (-1 when lost but not counted).
 */
export function readThroughMapping(
	ring: Ring,
	m: Mapping,
	maps: Mapping[]
): Record<string, unknown> {
	const { meta, bytes } = readerSubbuf(ring, m, maps);
	return { ...parseSubbuf(bytes, meta.reader.read), reader: meta.reader };
}

/** Parses one sub-buffer's bytes: events whose record starts at or after `from`, and missed. */
export function parseSubbuf(
	bytes: Uint8Array,
	from: number
): { events: ConsumedEvent[]; missed: number } {
	const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
	// The commit word first, atomically: the writer published it after the data (can be late).
	const commit = load(i32, 2) >>> 0;
	const ts0 = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
	const size = commit & 0x3fffffff;
	let missed = 0;
	if (commit & RB_MISSED_EVENTS)
		missed =
			commit & RB_MISSED_STORED
				? Number(dv.getBigUint64(BUF_PAGE_HDR_SIZE + size, true))
				: -1;
	const events: ConsumedEvent[] = [];
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, ts0)) {
		if (r.kind !== 'data' || r.offset < from) continue;
		events.push({
			ts: r.ts,
			payload: hex(bytes, BUF_PAGE_HDR_SIZE + r.dataOffset!, r.dataLength!),
			lost: 0
		});
	}
	return { events, missed };
}

/** What a user-space consumer remembers between two GET_READER calls (libtracefs keeps the same). */
export interface ConsumerCursor {
	/** Sub-buffer ID it read last, -1 before the first read. */
	id: number;
	/** Byte offset in that sub-buffer up to which it has read. */
	pos: number;
}

/**
 * After a GET_READER: the events the ioctl just handed over, read through the mapping. If
 * reader.id changed, the new sub-buffer from 0 to reader.read (and its missed-events count); if
 * not, the events between the cursor and reader.read (the writer appended to the reader page).
 */
export function takeHandedEvents(
	ring: Ring,
	m: Mapping,
	maps: Mapping[],
	cursor: ConsumerCursor
): { events: ConsumedEvent[]; missed: number; newPage: boolean } {
	const { meta, bytes } = readerSubbuf(ring, m, maps);
	const newPage = meta.reader.id !== cursor.id;
	const from = newPage ? 0 : cursor.pos;
	const all = parseSubbuf(bytes, from);
	const end = meta.reader.read;
	const events = all.events.filter((_, i) => i < countBefore(bytes, from, end));
	cursor.id = meta.reader.id;
	cursor.pos = end;
	return { events, missed: newPage ? all.missed : 0, newPage };
}

/** Data records that start in [from, end) of a sub-buffer. */
function countBefore(bytes: Uint8Array, from: number, end: number): number {
	const i32 = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
	const size = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true) & 0x3fffffff;
	return decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, 0).filter(
		(r) => r.kind === 'data' && r.offset >= from && r.offset < end
	).length;
}
