/**
 * Many events of one payload in one call, for unwatched writers: byte-identical to calling
 * writeEvent for each, with the page's counters kept in locals while the events stay on one page.
 * Kernel: ring_buffer_write, n times (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { store } from '../atomics';
import { BUF_PAGE_HDR_SIZE, RB_WRITE_MASK, TS_MASK } from '../constants';
import { encodeDataHeader, eventLength } from '../format';
import {
	D_ENTRIES,
	D_WRITE,
	DESC_I32,
	H_REC_DISABLED,
	H_SEQ,
	HDR_I32,
	HF_CLOCK_NOW,
	HF_CLOCK_STEP,
	S_COMMIT_PAGE,
	S_COMMITS,
	S_COMMITTING,
	S_DESC_BASE,
	S_RECORD_DISABLED,
	S_TAIL_PAGE,
	SF_BEFORE_STAMP,
	SF_ENTRIES,
	SF_ENTRIES_BYTES,
	SF_EVENT_STAMP,
	SF_WRITE_STAMP,
	STRUCT_I32
} from '../layout';
import { bufferTableIndex, type Ring } from '../ring';
import { copyPayload, wordsOf } from './copy';
import { writeEvent } from './fast';

/** float64 index of the header's clock words. */
const HF = HDR_I32 / 2;

/**
 * `n` writes of `payload` on `cpu`, byte-identical to calling writeEvent n times, faster: while
 * the events land on the same tail page with a delta that fits, the counters, stamps and the
 * page's write index are kept in locals and stored once per page. By default the commit word is
 * still published after every event, so a reader on another thread sees each event as soon as it is
 * complete; the counters it reads can be late by the events of this page (as per-CPU counters read
 * from another CPU can be in the kernel). `stamp(seq)` may rewrite the payload before each event,
 * seq counting the events written. With `clock` (ns), each event gets its own reading, as
 * writeEvent(ring, cpu, payload, clock()) would record it; without, the synthetic clock steps.
 * `publish: 'page'` stores the commit word once per page run instead of after every event: the
 * same bytes when writeBurst returns, one atomic store (a full fence in JS, where the kernel's
 * plain store is ordered for free on x86) instead of one per event; a reader on another thread
 * then sees a page's new events at once, as it sees the counters. Returns how many were written.
 */
export function writeBurst(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	n: number,
	stamp?: (seq: number) => void,
	warn?: (message: string) => void,
	clock?: () => number,
	publish: 'event' | 'page' = 'event'
): number {
	const { i32, f64, L } = ring;
	const len = payload.length;
	const step = f64[HF + HF_CLOCK_STEP]!;
	const length = eventLength(len);
	const perEvent = publish === 'event';
	const words = wordsOf(ring, payload);
	let written = 0;
	let left = n;
	/** A clock reading taken for an event that needs the slow path (a time extend). */
	let pending = -1;
	while (left > 0) {
		const s = i32[bufferTableIndex(ring, 0, cpu)]!;
		const sOff = L.structOff + s * L.structBytes;
		const SI = sOff >> 2;
		const SF = (sOff + STRUCT_I32 * 4) >> 3;
		const tp = i32[SI + S_TAIL_PAGE]!;
		const desc = i32[SI + S_DESC_BASE]! + tp;
		const d = (L.descOff >> 2) + desc * DESC_I32;
		const w = i32[d + D_WRITE]! & RB_WRITE_MASK;
		const stamps = f64[SF + SF_BEFORE_STAMP]!;
		let now = f64[HF + HF_CLOCK_NOW]!;
		if (stamps > now) now = stamps;
		// The shortcut needs a quiet CPU, a page already started, equal stamps, a delta that fits.
		const fits = Math.floor((L.capacity - w) / length);
		if (pending >= 0 || fits < 1 || !isQuietPage(ring, SI, SF, tp, w, now, len)) {
			stamp?.(written);
			const at = clock === undefined ? -1 : pending >= 0 ? pending : clock();
			pending = -1;
			if (writeEvent(ring, cpu, payload, at, warn)) written++;
			left--;
			continue;
		}
		const most = left < fits ? left : fits;
		const base = L.dataOff + desc * L.subbufSize;
		const data = base + BUF_PAGE_HDR_SIZE;
		const commitI = (base >> 2) + 2;
		const head = length - 4 > 112 ? 8 : 4; // header bytes: array[0] holds a large length
		let off = data + w;
		let ts = now;
		let k = 0;
		i32[commitI + 1] = 0; // the commit's high word, as writeCommit leaves it
		for (; k < most; k++) {
			// writeEvent's time: the reading, never before the last stamp; no reading: one step
			let t = ts + step;
			if (clock !== undefined) {
				const at = clock();
				t = at >= 0 ? (at > ts ? at : ts) : t;
				if (t - ts > TS_MASK) {
					pending = at; // needs a time extend: writeEvent writes it
					break;
				}
			}
			stamp?.(written + k);
			// rb_update_event's header and the payload, as updateEvent and writeEvent write them
			encodeDataHeader(i32, off >> 2, length, t - ts);
			copyPayload(ring, off + head, payload, words);
			ts = t;
			off += length;
			// rb_set_commit_to_write publishes each event
			if (perEvent) store(i32, commitI, off - data);
		}
		if (k === 0) continue;
		if (!perEvent) store(i32, commitI, off - data); // the page's events at once
		countBurst(ring, cpu, SI, SF, d, k, length, ts);
		written += k;
		left -= k;
	}
	return written;
}

/**
 * May events go straight onto the tail page `tp` (write index `w`) of the struct at SI / SF? The
 * CPU must be quiet (recording on, no one committing, the commit on the tail page), the page
 * already started, both stamps equal to the clock `now`, and one clock step must fit in a delta.
 */
function isQuietPage(
	ring: Ring,
	SI: number,
	SF: number,
	tp: number,
	w: number,
	now: number,
	len: number
): boolean {
	const { i32, f64 } = ring;
	const stamps = f64[SF + SF_BEFORE_STAMP]!;
	return (
		i32[H_REC_DISABLED] === 0 &&
		i32[SI + S_RECORD_DISABLED] === 0 &&
		i32[SI + S_COMMITTING] === 0 &&
		i32[SI + S_COMMIT_PAGE] === tp &&
		w !== 0 &&
		stamps === f64[SF + SF_WRITE_STAMP] &&
		now === stamps &&
		f64[HF + HF_CLOCK_STEP]! <= TS_MASK &&
		len <= ring.L.capacity - 8
	);
}

/** What k single writes of `length` bytes, the last at `ts`, leave in the counters and stamps. */
function countBurst(
	ring: Ring,
	cpu: number,
	SI: number,
	SF: number,
	d: number,
	k: number,
	length: number,
	ts: number
): void {
	const { i32, f64 } = ring;
	i32[SI + S_COMMITS] = i32[SI + S_COMMITS]! + k;
	f64[HF + HF_CLOCK_NOW] = ts;
	f64[SF + SF_BEFORE_STAMP] = ts;
	f64[SF + SF_WRITE_STAMP] = ts;
	f64[SF + SF_EVENT_STAMP] = ts;
	i32[d + D_WRITE] = i32[d + D_WRITE]! + k * length;
	i32[d + D_ENTRIES] = i32[d + D_ENTRIES]! + k;
	i32[H_SEQ + cpu] = i32[H_SEQ + cpu]! + k;
	f64[SF + SF_ENTRIES_BYTES] = f64[SF + SF_ENTRIES_BYTES]! + k * length;
	f64[SF + SF_ENTRIES] = f64[SF + SF_ENTRIES]! + k;
}
