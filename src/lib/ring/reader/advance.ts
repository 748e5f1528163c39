/**
 * Moving the reader over the records of its reader page: rb_advance_reader with
 * rb_update_read_stamp, one record at a time or over a whole run of them (consumeTo), and
 * rb_num_of_entries. Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RINGBUF_TYPE_DATA_TYPE_LEN_MAX,
	RINGBUF_TYPE_PADDING,
	RINGBUF_TYPE_TIME_EXTEND,
	RINGBUF_TYPE_TIME_STAMP
} from '../constants';
import { deltaOf, fixAbsTs, isDataType, recordLength, timeRecordValue, typeLenOf } from '../format';
import {
	D_READ,
	S_READER_PAGE,
	SF_ENTRIES,
	SF_OVERRUN,
	SF_READ,
	SF_READ_BYTES,
	SF_READ_STAMP
} from '../layout';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';

/** Byte offset of the reader's next record on the reader page. */
export function readerEventOff(ring: Ring, s: number): number {
	const rp = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	return subbufOff(ring, s, rp) + BUF_PAGE_HDR_SIZE + ring.i32[descI(ring, s, rp) + D_READ]!;
}

/** rb_update_read_stamp: the read stamp moves with the record at `off`. */
function updateReadStamp(ring: Ring, s: number, off: number): void {
	const w = ring.i32[off >> 2]!;
	const t = typeLenOf(w);
	const SF = structF(ring, s);
	if (t === RINGBUF_TYPE_PADDING) return;
	if (t === RINGBUF_TYPE_TIME_EXTEND)
		ring.f64[SF + SF_READ_STAMP] =
			ring.f64[SF + SF_READ_STAMP]! + timeRecordValue(ring.i32, off >> 2);
	else if (t === RINGBUF_TYPE_TIME_STAMP)
		ring.f64[SF + SF_READ_STAMP] = fixAbsTs(
			timeRecordValue(ring.i32, off >> 2),
			ring.f64[SF + SF_READ_STAMP]!
		);
	else ring.f64[SF + SF_READ_STAMP] = ring.f64[SF + SF_READ_STAMP]! + deltaOf(w);
}

/** rb_advance_reader: step over the record at the reader's position. Returns its length. */
export function advanceReader(ring: Ring, s: number): number {
	const off = readerEventOff(ring, s);
	const SF = structF(ring, s);
	const t = typeLenOf(ring.i32[off >> 2]!);
	if (isDataType(t)) ring.f64[SF + SF_READ]!++;
	updateReadStamp(ring, s, off);
	const len = recordLength(ring.i32, off >> 2);
	const rp = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	ring.i32[descI(ring, s, rp) + D_READ] = ring.i32[descI(ring, s, rp) + D_READ]! + len;
	ring.f64[SF + SF_READ_BYTES] = ring.f64[SF + SF_READ_BYTES]! + len;
	return len;
}

/** rb_num_of_entries: entries - (overrun + read). */
export function unreadEntries(ring: Ring, s: number): number {
	const SF = structF(ring, s);
	return ring.f64[SF + SF_ENTRIES]! - (ring.f64[SF + SF_OVERRUN]! + ring.f64[SF + SF_READ]!);
}

/**
 * rb_advance_reader over every record of reader page `page` up to `size` bytes: what
 * ring_buffer_map_get_reader does for the bytes user space is handed. The counters are kept in
 * locals over data records and stored once, the same float additions in the same order as
 * advanceReader's; any other record goes through advanceReader itself.
 */
export function consumeTo(ring: Ring, s: number, page: number, size: number): void {
	const { i32, f64 } = ring;
	const SF = structF(ring, s);
	const rd = descI(ring, s, page);
	const data = subbufOff(ring, s, page) + BUF_PAGE_HDR_SIZE;
	let read = i32[rd + D_READ]!;
	let count = f64[SF + SF_READ]!;
	let stamp = f64[SF + SF_READ_STAMP]!;
	let bytes = f64[SF + SF_READ_BYTES]!;
	while (read < size) {
		const wi = (data + read) >> 2;
		const w = i32[wi]!;
		const t = w & 0x1f;
		if (t <= RINGBUF_TYPE_DATA_TYPE_LEN_MAX) {
			const len = t === 0 ? (i32[wi + 1]! >>> 0) + 4 : t * 4 + 4;
			count++;
			stamp += w >>> 5;
			read += len;
			bytes += len;
			continue;
		}
		i32[rd + D_READ] = read;
		f64[SF + SF_READ] = count;
		f64[SF + SF_READ_STAMP] = stamp;
		f64[SF + SF_READ_BYTES] = bytes;
		advanceReader(ring, s);
		read = i32[rd + D_READ]!;
		count = f64[SF + SF_READ]!;
		stamp = f64[SF + SF_READ_STAMP]!;
		bytes = f64[SF + SF_READ_BYTES]!;
	}
	i32[rd + D_READ] = read;
	f64[SF + SF_READ] = count;
	f64[SF + SF_READ_STAMP] = stamp;
	f64[SF + SF_READ_BYTES] = bytes;
}
