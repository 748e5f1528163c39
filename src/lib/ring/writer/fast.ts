/**
 * The writer with no one watching: ring_buffer_write for the common case, in one call. When no
 * other context is in flight on the CPU, every atomic step of the step machine (writer.ts) runs
 * back to back, so the result is byte-identical to stepping it (property tests compare the whole
 * state): an event that fits on the tail page, a crossing onto the next page, a head push in
 * overwrite mode (rb_handle_head_page) and a drop at the head in producer/consumer mode. Anything
 * else (a context in flight, a time extend at a crossing, the commit or reader page in the way, a
 * reader swapping the head under us) goes through the step machine itself. Free-running writers
 * in the Worker call this.
 * Kernel: ring_buffer_write -> __rb_reserve_next ([A]..[D]) / rb_move_tail -> rb_commit.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RB_LEN_TIME_EXTEND,
	RB_PAGE_HEAD,
	RB_PAGE_NORMAL,
	RB_PAGE_UPDATE,
	RB_WRITE_INTCNT,
	RB_WRITE_MASK,
	TS_59,
	TS_MASK
} from '../constants';
import {
	claimSlot,
	CTX_TASK,
	freeSlot,
	K_ERRNO,
	K_PC,
	OP_WRITE,
	R_AT,
	R_DELTA_NS,
	R_PAYLOAD_LEN,
	SLOT_RUNNING,
	slotF,
	slotI
} from '../context';
import { encodeDataHeader, encodeTimeRecord, eventLength, headerWord } from '../format';
import {
	D_ENTRIES,
	D_NEXT,
	D_PREV,
	D_WRITE,
	DESC_I32,
	FL_OVERWRITE,
	H_FLAGS,
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
	SF_DROPPED_EVENTS,
	SF_ENTRIES,
	SF_ENTRIES_BYTES,
	SF_EVENT_STAMP,
	SF_OVERRUN,
	SF_PAGES_LOST,
	SF_PAGES_TOUCHED,
	SF_WRITE_STAMP,
	STRUCT_I32
} from '../layout';
import { bufferTableIndex, type Ring } from '../ring';
import { readCommit, readCommitLong, writeCommit, writeTimeStamp } from '../subbuf';
import type { Exec } from './exec';
import { resetTail } from './move-tail';
import { stepWriter, W_DONE } from './steps';
import { cmpxchg, store } from '../atomics';

/** float64 index of the header's clock words. */
const HF = HDR_I32 / 2;
/** Payloads up to this many bytes are copied word by word, larger ones with `set` (perf.md). */
const WORD_COPY_MAX = 128;

let lastPayload: Uint8Array | null = null;
let lastState: ArrayBufferLike | null = null;
let lastWords: Int32Array = new Int32Array(0);

/**
 * The whole 32-bit words of `p` as an Int32Array view (kept for the next call with the same
 * payload and state), or null when its bytes do not start on a 4-byte boundary or live in the
 * state itself (then `set`, which copies overlapping bytes correctly).
 */
function payloadWords(p: Uint8Array, ring: Ring): Int32Array | null {
	const n = p.length >> 2;
	if (p === lastPayload && ring.buf === lastState && lastWords.length === n) return lastWords;
	if ((p.byteOffset & 3) !== 0 || p.buffer === ring.buf) return null;
	lastPayload = p;
	lastState = ring.buf;
	lastWords = new Int32Array(p.buffer, p.byteOffset, n);
	return lastWords;
}

/**
 * Copies `p` to byte offset `dst` (a multiple of 4) of the state. Small payloads whose bytes start
 * on a 4-byte boundary go word by word through an Int32Array view of them (kept while the same
 * payload array comes back), the rest with TypedArray.set: on SharedArrayBuffers `set` costs more
 * than a word loop below ~128 bytes (perf.md). Same bytes either way.
 */
function copyPayload(ring: Ring, dst: number, p: Uint8Array): void {
	const len = p.length;
	const words = len <= WORD_COPY_MAX ? payloadWords(p, ring) : null;
	if (words === null) {
		ring.u8.set(p, dst);
		return;
	}
	const n = words.length;
	const i32 = ring.i32;
	const di = dst >> 2;
	let k = 0;
	for (; k + 4 <= n; k += 4) {
		// four words a turn, as the benchmark's bare encode loop copies them
		i32[di + k] = words[k]!;
		i32[di + k + 1] = words[k + 1]!;
		i32[di + k + 2] = words[k + 2]!;
		i32[di + k + 3] = words[k + 3]!;
	}
	for (; k < n; k++) i32[di + k] = words[k]!;
	if (len & 3) {
		const u8 = ring.u8;
		for (let b = n << 2; b < len; b++) u8[dst + b] = p[b]!;
	}
}

/**
 * Writes one event of `payload` on `cpu` (task context), at absolute time `at` ns when given
 * (never before the clock), else one clock step after the last. Returns false when the kernel
 * would not write it (recording off, too large, dropped in producer/consumer mode, ...).
 * `warn` receives the kernel's warnings from the slow path.
 */
export function writeEvent(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	at = -1,
	warn?: (message: string) => void
): boolean {
	const { i32, f64, L } = ring;
	const len = payload.length;
	if (i32[H_REC_DISABLED] !== 0 || len > L.capacity - 8) return false;
	const s = i32[bufferTableIndex(ring, 0, cpu)]!;
	const sOff = L.structOff + s * L.structBytes;
	const SI = sOff >> 2;
	if (i32[SI + S_RECORD_DISABLED] !== 0) return false;
	const tp = i32[SI + S_TAIL_PAGE]!;
	// Is no one else in flight, and is the commit on the tail page?
	if (i32[SI + S_COMMITTING] !== 0 || i32[SI + S_COMMIT_PAGE] !== tp)
		return writeStepped(ring, cpu, payload, at, warn);
	const SF = (sOff + STRUCT_I32 * 4) >> 3;
	const desc = i32[SI + S_DESC_BASE]! + tp;
	const d = (L.descOff >> 2) + desc * DESC_I32;
	const w = i32[d + D_WRITE]! & RB_WRITE_MASK;
	const before = f64[SF + SF_BEFORE_STAMP]!;
	const after = f64[SF + SF_WRITE_STAMP]!;
	// the clock as readClockFor reads it: never before this CPU's last stamp
	let now = f64[HF + HF_CLOCK_NOW]!;
	if (before > now) now = before;
	if (after > now) now = after;
	const ts = at >= 0 ? (at > now ? at : now) : now + f64[HF + HF_CLOCK_STEP]!;
	let length = eventLength(len);
	let extend = false;
	let force = false;
	let delta = 0;
	if (w !== 0) {
		if (before !== after) {
			force = extend = true;
			length += RB_LEN_TIME_EXTEND;
		} else {
			delta = ts - after;
			if (delta < 0 || delta > TS_MASK) {
				extend = true;
				length += RB_LEN_TIME_EXTEND;
			}
		}
	}
	if (w + length > L.capacity) {
		// (a time extend only lengthens the reservation that fails here; the retry needs none)
		const moved = moveTail(ring, s, tp, w, length, ts);
		if (moved === MOVE_DROPPED) return false;
		if (moved === MOVE_REFUSED) return writeStepped(ring, cpu, payload, at, warn);
		// The retry on the new, empty tail page; in the same write the clock does not move.
		return writeEvent(ring, cpu, payload, ts, warn);
	}

	// [A]..[D] with nothing in between: reserve, stamps, header, payload, commit.
	i32[SI + S_COMMITS] = i32[SI + S_COMMITS]! + 1;
	f64[HF + HF_CLOCK_NOW] = ts;
	f64[SF + SF_BEFORE_STAMP] = ts;
	i32[d + D_WRITE] = i32[d + D_WRITE]! + length;
	f64[SF + SF_WRITE_STAMP] = ts;
	delta = force ? ts : ts - after;
	if (w === 0 && !force) delta = 0;
	f64[SF + SF_EVENT_STAMP] = ts;
	const base = L.dataOff + desc * L.subbufSize;
	let wi = (base + BUF_PAGE_HDR_SIZE + w) >> 2;
	let rec = length;
	if (extend) {
		if (!force && (delta > TS_59 || delta < 0)) {
			warn?.(`Delta way too big or clock went backwards (delta ${delta})`);
			delta = 0;
		}
		encodeTimeRecord(i32, wi, force ? delta % TS_59 : delta, force, !force && w === 0);
		wi += 2;
		rec -= RB_LEN_TIME_EXTEND;
		delta = 0;
	}
	encodeDataHeader(i32, wi, rec, delta);
	i32[H_SEQ + cpu] = i32[H_SEQ + cpu]! + 1;
	i32[d + D_ENTRIES] = i32[d + D_ENTRIES]! + 1;
	if (w === 0) writeTimeStamp(ring, base, ts);
	f64[SF + SF_ENTRIES_BYTES] = f64[SF + SF_ENTRIES_BYTES]! + length;
	copyPayload(ring, (wi << 2) + (rec - 4 > 112 ? 8 : 4), payload);
	f64[SF + SF_ENTRIES] = f64[SF + SF_ENTRIES]! + 1;
	// rb_end_commit -> rb_set_commit_to_write: the commit page is the tail page; publish.
	i32[(base >> 2) + 3] = 0;
	store(i32, (base >> 2) + 2, w + length);
	return true;
}

/** moveTail outcomes. */
const MOVE_DONE = 0;
const MOVE_DROPPED = 1;
const MOVE_REFUSED = 2;

/**
 * rb_move_tail for a writer alone on its CPU whose event does not fit on the tail page: every
 * step of the stepped writer's first attempt back to back, from [A] to the padding of the old
 * page and the commit walk onto the new one (MOVE_DONE; the caller retries on the new page), or
 * to the dropped event when the next page is the head and overwrite is off (MOVE_DROPPED).
 * In overwrite mode a head next in line is pushed first, as rb_handle_head_page does: the link
 * into it HEAD -> UPDATE (its events are lost: overrun, pages_lost), the link out of it
 * NORMAL -> HEAD, then UPDATE -> NORMAL. The first cmpxchg decides: if a reader on another thread
 * swapped the head out just before, it fails and nothing has changed (MOVE_REFUSED, as for every
 * case that is not this simple: the caller runs the step machine). The reader looks at neither
 * the clock, the stamps nor the tail page's write index, so taking the cmpxchg before [A]..[C]
 * is an interleaving it cannot tell from the step machine's.
 */
function moveTail(
	ring: Ring,
	s: number,
	tp: number,
	w: number,
	length: number,
	ts: number
): number {
	const { i32, f64, L } = ring;
	const sOff = L.structOff + s * L.structBytes;
	const SI = sOff >> 2;
	const SF = (sOff + STRUCT_I32 * 4) >> 3;
	const dBase = (L.descOff >> 2) + i32[SI + S_DESC_BASE]! * DESC_I32;
	const d = dBase + tp * DESC_I32;
	const link = i32[d + D_NEXT]!;
	const np = link >> 2;
	if (np === tp || np === i32[SI + S_COMMIT_PAGE]) return MOVE_REFUSED; // commit_overrun
	const nd = dBase + np * DESC_I32;
	let pushed = false;
	if ((link & 3) === RB_PAGE_HEAD) {
		// rb_is_reader_page(commit page): the tail is leaving the reader page (not this path).
		if (i32[dBase + i32[d + D_PREV]! * DESC_I32 + D_NEXT]! >> 2 !== tp) return MOVE_REFUSED;
		if (!(i32[H_FLAGS]! & FL_OVERWRITE)) {
			dropAtHead(ring, s, tp, w, length, ts);
			return MOVE_DROPPED;
		}
		if ((i32[nd + D_NEXT]! & 3) !== RB_PAGE_NORMAL) return MOVE_REFUSED;
		const entries = i32[nd + D_ENTRIES]! & RB_WRITE_MASK;
		const headLink = (np << 2) | RB_PAGE_HEAD;
		if (cmpxchg(i32, d + D_NEXT, headLink, (np << 2) | RB_PAGE_UPDATE) !== headLink)
			return MOVE_REFUSED;
		f64[SF + SF_OVERRUN] = f64[SF + SF_OVERRUN]! + entries;
		f64[SF + SF_ENTRIES_BYTES] =
			f64[SF + SF_ENTRIES_BYTES]! - readCommitLong(ring, L.dataOff + descOf(ring, SI, np));
		f64[SF + SF_PAGES_LOST] = f64[SF + SF_PAGES_LOST]! + 1;
		pushed = true;
	} else if ((link & 3) !== RB_PAGE_NORMAL) return MOVE_REFUSED;
	f64[HF + HF_CLOCK_NOW] = ts; // [A] the clock read
	f64[SF + SF_BEFORE_STAMP] = ts; // [B]
	i32[d + D_WRITE] = i32[d + D_WRITE]! + length; // [C] reserves past the end
	if (pushed) {
		// the new head: the link out of the old head NORMAL -> HEAD; ours UPDATE -> NORMAL
		const nl = i32[nd + D_NEXT]! & ~3;
		cmpxchg(i32, nd + D_NEXT, nl, nl | RB_PAGE_HEAD);
		cmpxchg(i32, d + D_NEXT, (np << 2) | RB_PAGE_UPDATE, np << 2);
	}
	// rb_tail_page_update: mark, then empty the next page and move the tail onto it
	const ow = (i32[nd + D_WRITE]! + RB_WRITE_INTCNT) | 0;
	const oe = (i32[nd + D_ENTRIES]! + RB_WRITE_INTCNT) | 0;
	i32[nd + D_WRITE] = ow & ~RB_WRITE_MASK;
	i32[nd + D_ENTRIES] = oe & ~RB_WRITE_MASK;
	writeCommit(ring, L.dataOff + descOf(ring, SI, np), 0);
	if (cmpxchg(i32, SI + S_TAIL_PAGE, tp, np) !== tp) return MOVE_REFUSED; // alone: cannot happen
	f64[SF + SF_PAGES_TOUCHED] = f64[SF + SF_PAGES_TOUCHED]! + 1;
	// rb_reset_tail pads the old page; rb_end_commit publishes it and walks the commit to the tail
	resetTail(ring, s, tp, w, length);
	writeCommit(ring, L.dataOff + descOf(ring, SI, tp), i32[d + D_WRITE]! & RB_WRITE_MASK);
	i32[SI + S_COMMIT_PAGE] = np;
	return MOVE_DONE;
}

/** Byte offset of page `page`'s sub-buffer from the data area (struct at int32 index SI). */
function descOf(ring: Ring, SI: number, page: number): number {
	return (ring.i32[SI + S_DESC_BASE]! + page) * ring.L.subbufSize;
}

/**
 * The stepped writer's whole run when the next page is the head and overwrite is off:
 * rb_start_commit, [A]..[C], dropped_events++ (rb_move_tail), rb_reset_tail, rb_end_commit.
 */
function dropAtHead(
	ring: Ring,
	s: number,
	tp: number,
	w: number,
	length: number,
	ts: number
): void {
	const { i32, f64, L } = ring;
	const sOff = L.structOff + s * L.structBytes;
	const SI = sOff >> 2;
	const SF = (sOff + STRUCT_I32 * 4) >> 3;
	const d = (L.descOff >> 2) + (i32[SI + S_DESC_BASE]! + tp) * DESC_I32;
	i32[SI + S_COMMITS] = i32[SI + S_COMMITS]! + 1;
	f64[HF + HF_CLOCK_NOW] = ts;
	f64[SF + SF_BEFORE_STAMP] = ts;
	i32[d + D_WRITE] = i32[d + D_WRITE]! + length;
	f64[SF + SF_DROPPED_EVENTS] = f64[SF + SF_DROPPED_EVENTS]! + 1;
	resetTail(ring, s, tp, w, length);
	const off = L.dataOff + descOf(ring, SI, tp);
	const committed = i32[d + D_WRITE]! & RB_WRITE_MASK;
	if (readCommit(ring, off) !== committed) writeCommit(ring, off, committed);
}

/** The same write through the step machine, run to its end in a context slot of its own. */
export const writeStepped: typeof writeEvent = (ring, cpu, payload, at = -1, warn) => {
	const k = claimSlot(ring, {
		state: SLOT_RUNNING,
		op: OP_WRITE,
		cpu,
		ctx: CTX_TASK,
		struct: ring.i32[bufferTableIndex(ring, 0, cpu)]!
	});
	if (k < 0) return false;
	const K = slotI(ring, k);
	const F = slotF(ring, k);
	const { i32, f64 } = ring;
	f64[F + R_PAYLOAD_LEN] = payload.length;
	f64[F + R_AT] = at;
	f64[F + R_DELTA_NS] = -1;
	const x: Exec = {
		ring,
		note: '',
		verbose: false,
		warn: (m) => warn?.(m),
		payload: (_k, dst, off) => dst.set(payload, off)
	};
	while (i32[K + K_PC] !== W_DONE) stepWriter(x, k);
	const ok = i32[K + K_ERRNO] === 0;
	freeSlot(ring, k);
	return ok;
};

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
	const hdrWords = length - 4 > 112 ? 2 : 1;
	const typeLen = hdrWords === 2 ? 0 : (length - 4) >> 2;
	const words = len <= WORD_COPY_MAX ? payloadWords(payload, ring) : null;
	const perEvent = publish === 'event';
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
		if (
			pending >= 0 ||
			i32[H_REC_DISABLED] !== 0 ||
			i32[SI + S_RECORD_DISABLED] !== 0 ||
			i32[SI + S_COMMITTING] !== 0 ||
			i32[SI + S_COMMIT_PAGE] !== tp ||
			w === 0 ||
			stamps !== f64[SF + SF_WRITE_STAMP] ||
			now !== stamps ||
			step > TS_MASK ||
			len > L.capacity - 8 ||
			fits < 1
		) {
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
		let off = data + w;
		let ts = now;
		let k = 0;
		i32[commitI + 1] = 0; // the commit's high word, as writeCommit leaves it
		if (clock !== undefined) {
			// writeEvent's time: the reading, never before the last stamp; no reading: one step
			for (; k < most; k++) {
				const at = clock();
				const t = at >= 0 ? (at > ts ? at : ts) : ts + step;
				if (t - ts > TS_MASK) {
					pending = at; // needs a time extend: writeEvent writes it
					break;
				}
				stamp?.(written + k);
				const wi = off >> 2;
				encodeDataHeader(i32, wi, length, t - ts);
				if (words === null) ring.u8.set(payload, off + (hdrWords << 2));
				else {
					const di = wi + hdrWords;
					for (let j = 0; j < words.length; j++) i32[di + j] = words[j]!;
					for (let b = words.length << 2; b < len; b++)
						ring.u8[(di << 2) + b] = payload[b]!;
				}
				ts = t;
				off += length;
				if (perEvent) store(i32, commitI, off - data);
			}
		} else if (words === null) {
			for (; k < most; k++) {
				stamp?.(written + k);
				ts += step;
				encodeDataHeader(i32, off >> 2, length, step);
				ring.u8.set(payload, off + (hdrWords << 2));
				off += length;
				// rb_set_commit_to_write publishes each event
				if (perEvent) store(i32, commitI, off - data);
			}
		} else {
			// the same stores: header word(s) (encodeDataHeader), payload words, then the tail bytes
			const hdr = headerWord(typeLen, step);
			const nw = words.length;
			const u8 = ring.u8;
			for (; k < most; k++) {
				if (stamp !== undefined) stamp(written + k);
				ts += step;
				const wi = off >> 2;
				i32[wi] = hdr;
				if (hdrWords === 2) i32[wi + 1] = length - 4;
				const di = wi + hdrWords;
				for (let j = 0; j < nw; j++) i32[di + j] = words[j]!;
				for (let b = nw << 2; b < len; b++) u8[(di << 2) + b] = payload[b]!;
				off += length;
				if (perEvent) store(i32, commitI, off - data);
			}
		}
		if (k === 0) continue;
		if (!perEvent) store(i32, commitI, off - data); // the page's events at once
		// what k single writes would have left behind
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
		written += k;
		left -= k;
	}
	return written;
}
