/**
 * Filling the reserved bytes: rb_update_event writes the time record (when [A] asked for one) and
 * the event header and counts the event on its page; then the payload is copied in. The event is
 * still invisible to readers: they stop at the commit.
 * Kernel: rb_update_event, rb_add_timestamp, ring_buffer_write's memcpy
 * (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import {
	BUF_PAGE_HDR_SIZE,
	MAX_NEST,
	RB_EVNT_HDR_SIZE,
	RB_LEN_TIME_EXTEND,
	RB_MAX_SMALL_DATA,
	TS_59
} from '../constants';
import { K_CPU, R_ADDTS, R_DELTA, R_LENGTH, R_PAYLOAD_LEN, R_SEQ, R_TAIL, R_TS } from '../context';
import { encodeDataHeader, encodeTimeRecord } from '../format';
import { D_ENTRIES, H_SEQ, S_COMMITTING, SF_ENTRIES_BYTES, SF_EVENT_STAMP } from '../layout';
import { writeTimeStamp } from '../subbuf';
import { localAddReturn } from '../atomics';
import { ADD_FORCE, O_DELTA, OUT, type Exec, type Regs } from './exec';
import type { Ring } from '../ring';
import { W } from './steps';

/**
 * rb_add_timestamp: at word wi, an absolute stamp (ADD_FORCE in `addts`) or a time extend carrying
 * `delta`; returns the delta left for the data header (0).
 */
function addTimeStamp(
	i32: Int32Array,
	wi: number,
	tail: number,
	addts: number,
	delta: number,
	warn: (message: string) => void
): number {
	const abs = (addts & ADD_FORCE) !== 0;
	if (!abs && (delta > TS_59 || delta < 0)) {
		warn(`Delta way too big or clock went backwards (delta ${delta})`);
		delta = 0;
	}
	encodeTimeRecord(i32, wi, abs ? delta % TS_59 : delta, abs, !abs && tail === 0);
	return 0;
}

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
		delta = addTimeStamp(i32, wi, tail, addts, delta, warn);
		wi += 2;
		rec -= RB_LEN_TIME_EXTEND;
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
 * Byte offset in the state where the payload goes of the event of `length` bytes (R_LENGTH) at
 * `tail` of the sub-buffer at byte `base`, after a time record when `addts`: a data record longer
 * than RB_MAX_SMALL_DATA keeps its length in array[0], before the payload (encodeDataHeader).
 */
export function payloadAt(base: number, tail: number, addts: number, length: number): number {
	const ext = addts ? RB_LEN_TIME_EXTEND : 0;
	const big = length - ext - RB_EVNT_HDR_SIZE > RB_MAX_SMALL_DATA;
	return base + BUF_PAGE_HDR_SIZE + tail + ext + (big ? 8 : 4);
}

/** Byte offset in the state where the payload of the event just written by `r` goes. */
export function payloadOffset(r: Regs): number {
	const rf = r.f;
	const F = r.F;
	return payloadAt(r.base, rf[F + R_TAIL]!, rf[F + R_ADDTS]!, rf[F + R_LENGTH]!);
}

/** Step 'copy': the host copies the payload into the event. Kernel: ring_buffer_write's memcpy. */
export function copyStep(x: Exec, r: Regs): number {
	x.payload(r.k, x.ring.u8, payloadOffset(r));
	if (x.verbose)
		x.note = `Copied ${r.f[r.F + R_PAYLOAD_LEN]} payload bytes; the event is reserved but not yet committed.`;
	return W.commit;
}
