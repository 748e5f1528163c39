/**
 * Sub-buffer geometry for readers outside the engine (the page, its inspector): how many system
 * pages a sub-buffer spans, what fits in it, and where one sits in the state. Pure arithmetic over
 * the named constants and the state layout; it never writes.
 * Kernel: BUF_PAGE_SIZE and BUF_MAX_DATA_SIZE (kernel/trace/ring_buffer.c), subbuf_order.
 */
import { BUF_PAGE_HDR_SIZE, PAGE_SIZE, RB_EVNT_HDR_SIZE } from './constants';
import type { DecodedRecord } from './format';
import { structOf, subbufOff, type Ring } from './ring';
import { commitSize, readTimeStamp } from './subbuf';

/** 2^subbuf_order: the system pages in one sub-buffer of `subbufSizeBytes`. */
export function pagesPerSubbuf(subbufSizeBytes: number): number {
	return subbufSizeBytes / PAGE_SIZE;
}

/** subbuf_order: log2 of the system pages in one sub-buffer. */
export function subbufOrderOf(subbufSizeBytes: number): number {
	return Math.log2(pagesPerSubbuf(subbufSizeBytes));
}

/** Kernel: BUF_PAGE_SIZE, the data bytes of a sub-buffer (its size less the header). */
export function subbufCapacity(subbufSizeBytes: number): number {
	return subbufSizeBytes - BUF_PAGE_HDR_SIZE;
}

/**
 * Kernel: BUF_MAX_DATA_SIZE (the buffer's max_data_size), the largest payload one event can
 * carry: the sub-buffer's data less two 32-bit words (the event header and its length word).
 */
export function maxEventData(subbufSizeBytes: number): number {
	return subbufCapacity(subbufSizeBytes) - 2 * RB_EVNT_HDR_SIZE;
}

/** One sub-buffer of the live buffer as it sits in the state, with its header's two fields. */
export interface SubbufView {
	/** The whole sub-buffer (header and data), a view of the state: it can be late. */
	bytes: Uint8Array;
	/** `time_stamp` of struct buffer_data_page. */
	timeStamp: number;
	/** rb_page_size: `commit` with the missed-events flags masked out. */
	commit: number;
}

/** Where page `page` of `cpu`'s live buffer sits in the state (read-only; never copies). */
export function subbufView(ring: Ring, cpu: number, page: number): SubbufView {
	const off = subbufOff(ring, structOf(ring, 0, cpu), page);
	return {
		bytes: ring.u8.subarray(off, off + ring.L.subbufSize),
		timeStamp: readTimeStamp(ring, off),
		commit: commitSize(ring, off)
	};
}

/** The payload bytes of a data record of a sub-buffer (a view), or null when it has none. */
export function recordPayload(subbuf: Uint8Array, r: DecodedRecord): Uint8Array | null {
	if (r.dataOffset === undefined || r.dataLength === undefined) return null;
	const at = BUF_PAGE_HDR_SIZE + r.dataOffset;
	return subbuf.subarray(at, at + r.dataLength);
}
