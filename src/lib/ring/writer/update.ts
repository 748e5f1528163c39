/**
 * Filling the reserved bytes: rb_update_event writes the time record (when [A] asked for one) and
 * the event header and counts the event on its page; then the payload is copied in. The event is
 * still invisible to readers: they stop at the commit.
 * Kernel: rb_update_event, rb_add_timestamp, ring_buffer_write's memcpy
 * (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { BUF_PAGE_HDR_SIZE, MAX_NEST, RB_LEN_TIME_EXTEND, TS_59 } from '../constants';
import { K_CPU, R_ADDTS, R_DELTA, R_LENGTH, R_PAYLOAD_LEN, R_SEQ, R_TAIL, R_TS } from '../context';
import { encodeDataHeader, encodeTimeRecord } from '../format';
import { D_ENTRIES, H_SEQ, S_COMMITTING, SF_ENTRIES_BYTES, SF_EVENT_STAMP } from '../layout';
import { writeTimeStamp } from '../subbuf';
import { localAddReturn } from '../atomics';
import { ADD_FORCE, O_DELTA, OUT, type Exec, type Regs } from './exec';
import type { Ring } from '../ring';
import { W } from './steps';

/**
 * rb_update_event over values: the event of `length` bytes at `tail` of the tail page (descriptor
 * `d`, sub-buffer at byte `base`) of struct SI/SF, written by `cpu`: the time record if any
 * (rb_add_timestamp), the data header, entries++ on the page, the page's time stamp when the event
 * opens it, entries_bytes. Returns the event's number on its CPU (R_SEQ; ringlab: generated
 * payloads carry it) and leaves the delta its header carries in OUT[O_DELTA].
 */
export function updateAt(
	ring: Ring,
	SI: number,
	SF: number,
	d: number,
	base: number,
	cpu: number,
	tail: number,
	addts: number,
	ts: number,
	delta: number,
	length: number,
	warn: (message: string) => void
): number {
	const { i32, f64 } = ring;
	if (tail === 0 && !(addts & ADD_FORCE)) delta = 0;
	const nest = i32[SI + S_COMMITTING]! - 1;
	if (nest >= MAX_NEST) warn('nesting deeper than MAX_NEST');
	else f64[SF + SF_EVENT_STAMP + nest] = ts;
	let wi = (base + BUF_PAGE_HDR_SIZE + tail) >> 2;
	let rec = length;
	if (addts) {
		// rb_add_timestamp: an absolute stamp, or a time extend carrying the delta
		const abs = (addts & ADD_FORCE) !== 0;
		if (!abs && (delta > TS_59 || delta < 0)) {
			warn(`Delta way too big or clock went backwards (delta ${delta})`);
			delta = 0;
		}
		encodeTimeRecord(i32, wi, abs ? delta % TS_59 : delta, abs, !abs && tail === 0);
		wi += 2;
		rec -= RB_LEN_TIME_EXTEND;
		delta = 0;
	}
	encodeDataHeader(i32, wi, rec, delta);
	const seq = i32[H_SEQ + cpu]!;
	i32[H_SEQ + cpu] = seq + 1;
	localAddReturn(i32, d + D_ENTRIES, 1);
	if (tail === 0) writeTimeStamp(ring, base, ts);
	f64[SF + SF_ENTRIES_BYTES] = f64[SF + SF_ENTRIES_BYTES]! + length;
	OUT[O_DELTA] = delta;
	return seq;
}

/** Step 'update': updateAt on the writer's registers. Kernel: rb_update_event. */
export function updateEvent(x: Exec, r: Regs): number {
	const { K, F } = r;
	const rf = r.f;
	const tail = rf[F + R_TAIL]!;
	const addts = rf[F + R_ADDTS]!;
	rf[F + R_SEQ] = updateAt(
		r.ring,
		r.SI,
		r.SF,
		r.d,
		r.base,
		r.i[K + K_CPU]!,
		tail,
		addts,
		rf[F + R_TS]!,
		rf[F + R_DELTA]!,
		rf[F + R_LENGTH]!,
		x.warn
	);
	const delta = OUT[O_DELTA]!;
	rf[F + R_DELTA] = delta;
	if (x.verbose)
		x.note = addts
			? `Wrote a ${addts & ADD_FORCE ? 'time stamp' : 'time extend'} and the event header at ${tail}.`
			: `Wrote the event header at ${tail} (delta ${delta}).`;
	return W.copy;
}

/**
 * Byte offset in the state where the payload goes of the event at `tail` of the sub-buffer at byte
 * `base` (after a time record when `addts`).
 */
export function payloadAt(i32: Int32Array, base: number, tail: number, addts: number): number {
	const evOff = base + BUF_PAGE_HDR_SIZE + tail + (addts ? RB_LEN_TIME_EXTEND : 0);
	// a large record (type_len 0) keeps its length in array[0], before the payload
	return evOff + ((i32[evOff >> 2]! & 0x1f) === 0 ? 8 : 4);
}

/** Byte offset in the state where the payload of the event just written by `r` goes. */
export function payloadOffset(r: Regs): number {
	return payloadAt(r.i32, r.base, r.f[r.F + R_TAIL]!, r.f[r.F + R_ADDTS]!);
}

/** Step 'copy': the host copies the payload into the event. Kernel: ring_buffer_write's memcpy. */
export function copyStep(x: Exec, r: Regs): number {
	x.payload(r.k, x.ring.u8, payloadOffset(r));
	if (x.verbose)
		x.note = `Copied ${r.f[r.F + R_PAYLOAD_LEN]} payload bytes; the event is reserved but not yet committed.`;
	return W.commit;
}
