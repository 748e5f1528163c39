/**
 * Event records inside a sub-buffer's data area: the 32-bit header word (type_len:5, time_delta:27,
 * little-endian bitfield order), small and large data records, padding, time extend and absolute
 * time stamp, and the length rules. Kernel: rb_calculate_event_length, rb_update_event,
 * rb_add_time_stamp, rb_event_length, ring_buffer_event_length, rb_event_time_stamp.
 * See kernel.md §1.3-1.7.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18 and libtraceevent 1.7/1.8.
 */
import {
	RB_ALIGNMENT,
	RB_ARCH_ALIGNMENT,
	RB_EVNT_HDR_SIZE,
	RB_LEN_TIME_EXTEND,
	RB_MAX_SMALL_DATA,
	RINGBUF_TYPE_DATA_TYPE_LEN_MAX,
	RINGBUF_TYPE_PADDING,
	RINGBUF_TYPE_TIME_EXTEND,
	RINGBUF_TYPE_TIME_STAMP,
	TS_MASK,
	TS_SHIFT
} from './constants';

/**
 * Bytes a payload of `length` bytes takes in a sub-buffer (no time extend).
 * Kernel: rb_calculate_event_length.
 */
export function eventLength(length: number): number {
	if (length === 0) length = 1; // zero is ambiguous
	if (length > RB_MAX_SMALL_DATA) length += 4; // room for array[0]
	length += RB_EVNT_HDR_SIZE;
	length = (length + RB_ARCH_ALIGNMENT - 1) & -RB_ARCH_ALIGNMENT; // round up to the alignment
	// A record is 8 bytes or at least 16, so a discarded one can always hold an 8-byte padding.
	if (length === RB_LEN_TIME_EXTEND + RB_ALIGNMENT) length += RB_ALIGNMENT;
	return length;
}

/** Header word of a record: type_len in bits 0-4, time_delta in bits 5-31 (little-endian). */
export function headerWord(typeLen: number, delta: number): number {
	return typeLen | ((delta & TS_MASK) << 5) | 0;
}
export function typeLenOf(word: number): number {
	return word & 0x1f;
}
export function deltaOf(word: number): number {
	return word >>> 5;
}

/**
 * Writes the data record header for a record of `length` bytes (time extend excluded) at int32
 * index `wi`. Kernel: the tail of rb_update_event.
 */
export function encodeDataHeader(i32: Int32Array, wi: number, length: number, delta: number): void {
	const len = length - RB_EVNT_HDR_SIZE;
	if (len > RB_MAX_SMALL_DATA) {
		i32[wi] = headerWord(0, delta);
		i32[wi + 1] = len;
	} else {
		i32[wi] = headerWord((len + RB_ALIGNMENT - 1) >> 2, delta); // type_len = ceil(len / 4)
	}
}

/**
 * Writes a TIME_EXTEND (or, when `absolute`, a TIME_STAMP) record holding 59 bits of `value`.
 * Kernel: rb_add_time_stamp. `zero` writes delta 0 / array 0 (an extend at page index 0).
 */
export function encodeTimeRecord(
	i32: Int32Array,
	wi: number,
	value: number,
	absolute: boolean,
	zero: boolean
): void {
	const type = absolute ? RINGBUF_TYPE_TIME_STAMP : RINGBUF_TYPE_TIME_EXTEND;
	if (zero) {
		i32[wi] = headerWord(type, 0);
		i32[wi + 1] = 0;
	} else {
		i32[wi] = headerWord(type, value % 2 ** TS_SHIFT);
		i32[wi + 1] = (Math.floor(value / 2 ** TS_SHIFT) % 2 ** 32) | 0;
	}
}

/** rb_event_time_stamp: (array[0] << 27) + time_delta of an extend or stamp record. */
export function timeRecordValue(i32: Int32Array, wi: number): number {
	return (i32[wi + 1]! >>> 0) * 2 ** TS_SHIFT + deltaOf(i32[wi]!);
}

/**
 * rb_event_length: bytes of the record at int32 index `wi`, or -1 for a null padding (its length is
 * the rest of the page).
 */
export function recordLength(i32: Int32Array, wi: number): number {
	const w = i32[wi]!;
	const t = typeLenOf(w);
	if (t === RINGBUF_TYPE_PADDING) return deltaOf(w) === 0 ? -1 : (i32[wi + 1]! >>> 0) + 4;
	if (t === RINGBUF_TYPE_TIME_EXTEND || t === RINGBUF_TYPE_TIME_STAMP) return 8;
	if (t === 0) return (i32[wi + 1]! >>> 0) + 4;
	return t * 4 + 4;
}

/** ring_buffer_event_length of a data record: its data bytes (the array[0] word not counted). */
export function dataLength(i32: Int32Array, wi: number): number {
	const t = typeLenOf(i32[wi]!);
	return t === 0 ? (i32[wi + 1]! >>> 0) - 4 : t * 4;
}

/** Byte offset of a data record's payload (rb_event_data). */
export function dataOffset(i32: Int32Array, byteOff: number): number {
	return typeLenOf(i32[byteOff >> 2]!) === 0 ? byteOff + 8 : byteOff + 4;
}

export function isDataType(t: number): boolean {
	return t <= RINGBUF_TYPE_DATA_TYPE_LEN_MAX;
}

export type RecordKind = 'data' | 'padding' | 'time_extend' | 'time_stamp';

/** One record as a reader sees it (kbuffer_raw_get / the page inspector). */
export interface DecodedRecord {
	/** Byte offset inside the data area. */
	offset: number;
	kind: RecordKind;
	typeLen: number;
	timeDelta: number;
	/** Record bytes; for a null padding, the rest of the page. */
	length: number;
	/** Absolute time after this record, as libtraceevent reconstructs it. */
	ts: number;
	/** Data records: payload offset and bytes inside the data area. */
	dataOffset?: number;
	dataLength?: number;
	/** Time extend / stamp: the 59-bit value. */
	value?: number;
}

/**
 * Walks the records of a data area from `start` to `end` (byte offsets relative to `dataBase`),
 * reconstructing time stamps as libtraceevent's kbuffer does (padding deltas added, absolute
 * stamps with their top five bits restored from the running time).
 */
export function decodeRecords(
	i32: Int32Array,
	dataBase: number,
	start: number,
	end: number,
	pageTs: number
): DecodedRecord[] {
	const out: DecodedRecord[] = [];
	let ts = pageTs;
	let off = start;
	while (off < end) {
		const wi = (dataBase + off) >> 2;
		const w = i32[wi]!;
		const t = typeLenOf(w);
		const delta = deltaOf(w);
		let len = recordLength(i32, wi);
		let kind: RecordKind = 'data';
		const rec: DecodedRecord = {
			offset: off,
			kind,
			typeLen: t,
			timeDelta: delta,
			length: 0,
			ts
		};
		if (t === RINGBUF_TYPE_PADDING) {
			kind = 'padding';
			if (len < 0) len = end - off;
			ts += delta;
		} else if (t === RINGBUF_TYPE_TIME_EXTEND) {
			kind = 'time_extend';
			rec.value = timeRecordValue(i32, wi);
			ts += rec.value;
		} else if (t === RINGBUF_TYPE_TIME_STAMP) {
			kind = 'time_stamp';
			rec.value = timeRecordValue(i32, wi);
			ts = fixAbsTs(rec.value, ts);
		} else {
			ts += delta;
			rec.dataOffset = dataOffset(i32, dataBase + off) - dataBase;
			rec.dataLength = dataLength(i32, wi);
		}
		rec.kind = kind;
		rec.length = len;
		rec.ts = ts;
		out.push(rec);
		if (len <= 0) break;
		off += len;
	}
	return out;
}

/** rb_fix_abs_ts: restore the top five bits an absolute stamp dropped, from a saved full time. */
export function fixAbsTs(abs: number, saveTs: number): number {
	const TS_59 = 2 ** 59;
	const msb = Math.floor(saveTs / TS_59) * TS_59;
	let v = abs + msb;
	if (v < saveTs) v += TS_59;
	return v;
}

const HEX_BYTE = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * `len` bytes of `u8` from `off` as lower-case hex, two digits a byte (the whole array by
 * default): how results carry payloads and pages (spec §2). src/lib/text/hex.ts re-exports it for
 * the CLI, the kernel harness and the page.
 */
export function hex(u8: Uint8Array): string;
export function hex(u8: Uint8Array, off: number, len: number): string;
export function hex(u8: Uint8Array, off = 0, len = u8.length - off): string {
	let s = '';
	for (let i = 0; i < len; i++) s += HEX_BYTE[u8[off + i]!]!;
	return s;
}

/** The bytes of hex text as `hex` writes it (two digits a byte; an odd last digit is ignored). */
export function fromHex(text: string): Uint8Array {
	const out = new Uint8Array(text.length >> 1);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
	return out;
}
