/**
 * A user-space consumer of a mapped per-CPU buffer that allocates nothing per event: after each
 * GET_READER it reads reader.id and reader.read from the meta page, finds that sub-buffer in its
 * mapping and walks the records handed over in place, counting data events (and showing each
 * payload's bytes to a callback), as a libtracefs-style mmap reader does. Like user-space.ts it
 * reads only bytes the mapping shows; where they sit in the state buffer is learnt once, from the
 * mapping's pages, when the consumer is made.
 * Kernel ABI: include/uapi/linux/trace_mmap.h (struct trace_buffer_meta), struct buffer_data_page.
 */
import {
	BUF_PAGE_HDR_SIZE,
	PAGE_SIZE,
	RB_MISSED_EVENTS,
	RB_MISSED_STORED,
	RINGBUF_TYPE_DATA_TYPE_LEN_MAX,
	RINGBUF_TYPE_PADDING
} from './constants';
import { load } from './atomics';
import { mappedBytes, type Mapping } from './mapping';
import { META } from './meta-page';
import type { Ring } from './ring';

/** Sees one event: byte offset of its payload in `u8` (the state buffer) and its data length. */
export type EventVisitor = (u8: Uint8Array, offset: number, length: number) => void;

export class MappedConsumer {
	/** The whole state buffer: the mapping's pages are windows onto it. */
	private readonly i32: Int32Array;
	private readonly u8: Uint8Array;
	private readonly dv: DataView;
	/** Byte offset of the meta page. */
	private readonly meta: number;
	/** Sub-buffer ID -> byte offset of its struct buffer_data_page, -1 when the mapping misses it. */
	private readonly subbufs: number[] = [];
	/** Sub-buffer ID read last (-1 before the first) and the offset read up to in it. */
	id = -1;
	pos = 0;
	/** Data events seen in total, and the lost events announced by the commit words. */
	events = 0;
	missed = 0;
	/** A commit word said events were lost without storing how many. */
	unknownLoss = false;

	/** `metaMap` covers pgoff 0 of the CPU's buffer, `data` its sub-buffers (may be the same). */
	constructor(ring: Ring, metaMap: Mapping, data: Mapping) {
		this.i32 = new Int32Array(ring.buf);
		this.u8 = new Uint8Array(ring.buf);
		this.dv = new DataView(ring.buf);
		const m = mappedBytes(ring, metaMap, 0, PAGE_SIZE);
		if (metaMap.pgoff !== 0 || !m) throw new Error('the meta mapping does not cover pgoff 0');
		this.meta = m.byteOffset;
		const pagesPer = 1 << ring.L.order;
		data.pages.forEach((p, i) => {
			if (p.kind !== 'data' || p.sub !== 0 || i + pagesPer > data.pages.length) return;
			this.subbufs[p.id] = mappedBytes(ring, data, i * PAGE_SIZE, PAGE_SIZE)!.byteOffset;
		});
	}

	/**
	 * After a GET_READER: walks the events it handed over (if reader.id changed, the new
	 * sub-buffer from 0 to reader.read, else from where the last call stopped) and adds the lost
	 * events its commit word announces. Returns the data events seen.
	 */
	take(visit?: EventVisitor): number {
		const { i32, u8, dv } = this;
		const id = dv.getUint32(this.meta + META['reader.id'], true);
		const end = dv.getUint32(this.meta + META['reader.read'], true);
		const page = this.subbufs[id];
		if (page === undefined) throw new Error(`the mapping does not cover sub-buffer ${id}`);
		const fresh = id !== this.id;
		let off = fresh ? 0 : this.pos;
		this.id = id;
		this.pos = end;
		const data = page + BUF_PAGE_HDR_SIZE;
		// The commit word first, atomically: the writer published it after the data.
		const commit = load(i32, (page + 8) >> 2) >>> 0;
		if (fresh && commit & RB_MISSED_EVENTS) {
			const size = commit & 0x3fffffff;
			if (commit & RB_MISSED_STORED) {
				const at = data + size;
				this.missed += dv.getUint32(at, true) + dv.getUint32(at + 4, true) * 2 ** 32;
			} else this.unknownLoss = true;
		}
		let seen = 0;
		while (off < end) {
			const wi = (data + off) >> 2;
			const w = i32[wi]!;
			const t = w & 0x1f;
			let len: number;
			if (t === 0) {
				len = (i32[wi + 1]! >>> 0) + 4;
				if (visit) visit(u8, data + off + 8, len - 8);
				seen++;
			} else if (t <= RINGBUF_TYPE_DATA_TYPE_LEN_MAX) {
				len = t * 4 + 4;
				if (visit) visit(u8, data + off + 4, t * 4);
				seen++;
			} else if (t === RINGBUF_TYPE_PADDING) {
				if (w >>> 5 === 0) break; // a null padding: the rest of the page
				len = (i32[wi + 1]! >>> 0) + 4;
			} else len = 8; // time extend or time stamp
			off += len;
		}
		this.events += seen;
		return seen;
	}
}
