/**
 * ring_buffer_read_page (trace_pipe_raw, `full` = 0): a whole sub-buffer out of the reader page,
 * swapped out when complete, else copied event by event; the missed-events bits set in its commit
 * word. One record per step: RP_PAGE, RP_COPY. Checked against kernel/trace/ring_buffer.c of
 * 6.10 - 6.18.
 */
import { BUF_PAGE_HDR_SIZE, RB_MISSED_EVENTS, RB_MISSED_STORED, RB_WRITE_MASK } from '../constants';
import { K_READER, slotI } from '../context';
import { decodeRecords, hex } from '../format';
import {
	D_ENTRIES,
	D_READ,
	D_REAL_END,
	D_WRITE,
	S_COMMIT_PAGE,
	S_MAPPED,
	SF_LOST_EVENTS,
	SF_READ,
	SF_READ_BYTES,
	SF_READ_STAMP
} from '../layout';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';
import { commitSize, writeCommit, writeTimeStamp } from '../subbuf';
import { advanceReader } from './advance';
import type { ConsumedEvent } from './event';
import { RD_UNLOCK, RP_COPY, step, type ReaderExec, type ReaderStep } from './pc';
import { callGetReaderPage } from './swap';

/**
 * Copy the unread events of `reader` into `out` one at a time (a time extend stays with its
 * event), the page's time stamp the read stamp before the first. Returns the bytes copied.
 */
function copyEvents(ring: Ring, s: number, reader: number, out: Uint8Array): number {
	const rd = descI(ring, s, reader);
	const rOff = subbufOff(ring, s, reader);
	const commit = commitSize(ring, rOff);
	const saveTs = ring.f64[structF(ring, s) + SF_READ_STAMP]!;
	let pos = 0;
	let rpos = ring.i32[rd + D_READ]!;
	while (rpos < commit) {
		const len = advanceReader(ring, s);
		const from = rOff + BUF_PAGE_HDR_SIZE + rpos;
		out.set(ring.u8.subarray(from, from + len), BUF_PAGE_HDR_SIZE + pos);
		pos += len;
		rpos = ring.i32[rd + D_READ]!;
	}
	const outI = new Int32Array(out.buffer);
	outI[0] = (saveTs % 2 ** 32) | 0;
	outI[1] = Math.floor(saveTs / 2 ** 32) | 0;
	return pos;
}

/**
 * The whole page leaves: swap it with a spare sub-buffer. Returns its commit.
 * Not modelled: the kernel's spare is the reader's own page (one per open trace_pipe_raw file, the
 * one it was handed last time, zeroed past that page's commit), so the page that takes the reader
 * page's place holds those old bytes. Here the same sub-buffer stays with its old bytes and only
 * its header is reset. Records never differ; only left-over bytes do (alignment slack, padding
 * bodies), which `ringlab kernel diff` therefore leaves out. Which file a reader uses is outside
 * the ring buffer, so a simulation cannot know it.
 */
function swapOutPage(ring: Ring, s: number, reader: number, out: Uint8Array): number {
	const { i32, f64, L } = ring;
	const SF = structF(ring, s);
	const rd = descI(ring, s, reader);
	const rOff = subbufOff(ring, s, reader);
	f64[SF + SF_READ] = f64[SF + SF_READ]! + (i32[rd + D_ENTRIES]! & RB_WRITE_MASK);
	f64[SF + SF_READ_BYTES] = f64[SF + SF_READ_BYTES]! + commitSize(ring, rOff);
	out.set(ring.u8.subarray(rOff, rOff + L.subbufSize));
	writeCommit(ring, rOff, 0); // rb_init_page of the spare that takes its place
	writeTimeStamp(ring, rOff, 0);
	i32[rd + D_WRITE] = 0;
	i32[rd + D_ENTRIES] = 0;
	i32[rd + D_READ] = 0;
	const realEnd = i32[rd + D_REAL_END]!;
	return realEnd ? realEnd : new Int32Array(out.buffer)[2]! >>> 0;
}

/** The missed-events bits (and the count when it fits after the data) in the page handed out. */
function markOutMissed(out: Uint8Array, capacity: number, outCommit: number, missed: number): void {
	const outI = new Int32Array(out.buffer);
	let commitWord = outCommit;
	let end = outCommit;
	if (missed) {
		if (capacity - outCommit >= 8) {
			new DataView(out.buffer).setBigUint64(
				BUF_PAGE_HDR_SIZE + outCommit,
				BigInt(missed),
				true
			);
			commitWord += RB_MISSED_STORED;
			end += 8;
		}
		commitWord = (commitWord + RB_MISSED_EVENTS) >>> 0;
	}
	outI[2] = commitWord | 0;
	outI[3] = commitWord & 0x80000000 ? -1 : 0;
	out.fill(0, BUF_PAGE_HDR_SIZE + end);
}

/** The body of ring_buffer_read_page once rb_get_reader_page returned a page (full = 0). */
function readPageOut(x: ReaderExec, k: number, s: number): void {
	const { ring } = x;
	const { i32, f64, L } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	const reader = i32[slotI(ring, k) + K_READER]!;
	if (reader < 0) {
		if (x.verbose) x.note = 'Nothing to read.';
		return;
	}
	const out = new Uint8Array(L.subbufSize);
	const missed = f64[SF + SF_LOST_EVENTS]!;
	const read = i32[descI(ring, s, reader) + D_READ]!;
	let outCommit: number;
	if (read || i32[SI + S_COMMIT_PAGE] === reader || i32[SI + S_MAPPED]! > 0) {
		outCommit = copyEvents(ring, s, reader, out);
		if (x.verbose)
			x.note = `Copied ${outCommit} bytes of events out of page ${reader} (it is ${i32[SI + S_MAPPED]! > 0 ? 'mapped' : 'still being written or partly read'}).`;
	} else {
		outCommit = swapOutPage(ring, s, reader, out);
		if (x.verbose)
			x.note = `Page ${reader} is complete: handed out whole, a spare page takes its place.`;
	}
	f64[SF + SF_LOST_EVENTS] = 0;
	markOutMissed(out, L.capacity, outCommit, missed);
	x.emitPage(k, out, missed);
}

/** Decodes the events of a whole sub-buffer (as handed out by readPage) for a result. */
export function pageEvents(page: Uint8Array): ConsumedEvent[] {
	const i32 = new Int32Array(page.buffer, page.byteOffset, page.byteLength >> 2);
	const ts0 = (i32[0]! >>> 0) + (i32[1]! >>> 0) * 2 ** 32;
	const size = (i32[2]! >>> 0) & 0x3fffffff;
	const out: ConsumedEvent[] = [];
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, ts0)) {
		if (r.kind !== 'data') continue;
		out.push({
			ts: r.ts,
			payload: hex(page, BUF_PAGE_HDR_SIZE + r.dataOffset!, r.dataLength!),
			lost: 0
		});
	}
	return out;
}

export const READ_PAGE_STEPS: readonly ReaderStep[] = [
	step('RP_PAGE', (x, at) => {
		if (x.verbose) x.note = 'Get the reader page.';
		return callGetReaderPage(x.ring, at.k, RP_COPY);
	}),
	step('RP_COPY', (x, at) => {
		readPageOut(x, at.k, at.s);
		return RD_UNLOCK;
	})
];
