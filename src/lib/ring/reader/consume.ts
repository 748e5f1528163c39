/**
 * ring_buffer_consume (trace_pipe): rb_buffer_peek finds the next event on the reader page
 * (getting a page through rb_get_reader_page, skipping padding, stepping over time extends and
 * absolute stamps), then the event is taken and rb_advance_reader moves past it; lost events are
 * reported on the first event after a loss. One record per step: C_PEEK, C_EVENT.
 * Before each event, trace_pipe (__find_next_entry for one CPU) asks ring_buffer_empty_cpu: on
 * 6.10 rb_per_cpu_empty looks at the pages (a reader page not read to its end is not empty, so
 * the peek steps over a padding record left there); on the "6.12" setting (6.13+, 6.18 here) the
 * buffer is empty when no entry is unread, so end-of-page padding stays for a later page read.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import {
	RINGBUF_TYPE_PADDING,
	RINGBUF_TYPE_TIME_EXTEND,
	RINGBUF_TYPE_TIME_STAMP
} from '../constants';
import { K_READER, R_COUNT, R_DONE_COUNT, R_PEEK_LOOPS, R_PEEK_TS } from '../context';
import {
	dataLength,
	dataOffset,
	deltaOf,
	fixAbsTs,
	hex,
	isDataType,
	timeRecordValue,
	typeLenOf
} from '../format';
import { S_READER_PAGE, SF_LOST_EVENTS, SF_READ_STAMP } from '../layout';
import { structF, structI, subbufOff, type Ring } from '../ring';
import { readTimeStamp } from '../subbuf';
import { advanceReader, readerEventOff } from './advance';
import type { ConsumedEvent } from './event';
import {
	C_EVENT,
	C_PEEK,
	RD_UNLOCK,
	step,
	type ReaderExec,
	type ReaderStep,
	type SlotAt,
	type Warner
} from './pc';
import { perCpuEmpty } from './map-get-reader';
import { callGetReaderPage } from './swap';

/** rb_buffer_peek on a padding record: it is skipped, and lost_events cleared. */
export function skipPadding(ring: Ring, s: number, w: Warner): void {
	if (deltaOf(ring.i32[readerEventOff(ring, s) >> 2]!) === 0)
		w.warn('null padding event inside the committed data');
	ring.f64[structF(ring, s) + SF_LOST_EVENTS] = 0;
	advanceReader(ring, s);
}

/**
 * rb_buffer_peek on a time extend or an absolute stamp: stepped over; an absolute stamp is the
 * time of the event after it. Returns that time, or `peekTs` unchanged after a time extend.
 */
export function stepOverTime(ring: Ring, s: number, t: number, peekTs: number): number {
	const off = readerEventOff(ring, s);
	let ts = peekTs;
	if (t === RINGBUF_TYPE_TIME_STAMP) {
		const rp = ring.i32[structI(ring, s) + S_READER_PAGE]!;
		ts = fixAbsTs(
			timeRecordValue(ring.i32, off >> 2),
			readTimeStamp(ring, subbufOff(ring, s, rp))
		);
	}
	advanceReader(ring, s);
	return ts;
}

/** ring_buffer_consume on a data event: take it (with the events lost before it), advance. */
export function takeEvent(ring: Ring, s: number, peekTs: number): ConsumedEvent {
	const { i32, f64 } = ring;
	const SF = structF(ring, s);
	const off = readerEventOff(ring, s);
	const ts = peekTs ? peekTs : f64[SF + SF_READ_STAMP]! + deltaOf(i32[off >> 2]!);
	const ev: ConsumedEvent = {
		ts,
		payload: hex(ring.u8, dataOffset(i32, off), dataLength(i32, off >> 2)),
		lost: f64[SF + SF_LOST_EVENTS]!
	};
	f64[SF + SF_LOST_EVENTS] = 0;
	advanceReader(ring, s);
	return ev;
}

/** C_EVENT on a record that is not data: padding or a time record. The next pc. */
function notData(x: ReaderExec, at: SlotAt, t: number): number {
	const { ring } = x;
	if (t === RINGBUF_TYPE_PADDING) {
		skipPadding(ring, at.s, x);
		if (x.verbose) x.note = 'Skip a padding record.';
		return C_PEEK;
	}
	ring.f64[at.F + R_PEEK_TS] = stepOverTime(ring, at.s, t, ring.f64[at.F + R_PEEK_TS]!);
	if (++ring.f64[at.F + R_PEEK_LOOPS]! > 2) x.warn('rb_buffer_peek looped more than twice');
	if (x.verbose)
		x.note =
			t === RINGBUF_TYPE_TIME_EXTEND
				? 'Step over a time extend.'
				: 'Step over an absolute time stamp.';
	return C_EVENT;
}

/** C_EVENT on a data event: take it, count it; stop once `count` events are taken. */
function dataEvent(x: ReaderExec, at: SlotAt): number {
	const { f64 } = x.ring;
	const ev = takeEvent(x.ring, at.s, f64[at.F + R_PEEK_TS]!);
	x.emit(at.k, ev);
	f64[at.F + R_PEEK_TS] = 0;
	const done = ++f64[at.F + R_DONE_COUNT]!;
	if (x.verbose)
		x.note = ev.lost
			? `Consumed the event at ${ev.ts} after ${ev.lost} lost events.`
			: `Consumed the event at ${ev.ts}.`;
	const count = f64[at.F + R_COUNT]!;
	return count >= 0 && done >= count ? RD_UNLOCK : C_PEEK;
}

export const CONSUME_STEPS: readonly ReaderStep[] = [
	step('C_PEEK', (x, at) => {
		x.ring.f64[at.F + R_PEEK_LOOPS] = 0;
		if (perCpuEmpty(x.ring, at.s)) {
			if (x.verbose) x.note = 'The buffer is empty (ring_buffer_empty_cpu).';
			return RD_UNLOCK;
		}
		if (x.verbose) x.note = 'Look for the next event.';
		return callGetReaderPage(x.ring, at.k, C_EVENT);
	}),
	step('C_EVENT', (x, at) => {
		if (x.ring.i32[at.K + K_READER]! < 0) {
			if (x.verbose) x.note = 'The buffer is empty.';
			return RD_UNLOCK;
		}
		const t = typeLenOf(x.ring.i32[readerEventOff(x.ring, at.s) >> 2]!);
		return isDataType(t) ? dataEvent(x, at) : notData(x, at, t);
	})
];
