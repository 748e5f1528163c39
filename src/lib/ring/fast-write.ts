/**
 * The writer with no one watching: ring_buffer_write for the common case, in one call. When no
 * other context is in flight on the CPU and the event fits on the tail page, every atomic step of
 * the step machine (writer.ts) runs back to back, so the result is byte-identical to stepping it
 * (a property test checks that). Anything else (a page crossing, a head push, a drop) goes through
 * the step machine itself. This is what free-running writers in the Worker call.
 * Kernel: ring_buffer_write -> __rb_reserve_next (the [A]..[D] fast path) -> rb_commit.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RB_LEN_TIME_EXTEND,
	RB_PAGE_NORMAL,
	RB_WRITE_INTCNT,
	RB_WRITE_MASK,
	TS_59,
	TS_MASK
} from './constants';
import {
	allocSlot,
	CTX_TASK,
	freeSlot,
	K_BUFFER,
	K_CPU,
	K_CTX,
	K_ERRNO,
	K_OP,
	K_PC,
	K_STATE,
	K_STRUCT,
	OP_WRITE,
	R_AT,
	R_DELTA_NS,
	R_PAYLOAD_LEN,
	SLOT_RUNNING,
	slotF,
	slotI
} from './context';
import { encodeDataHeader, encodeTimeRecord, eventLength } from './format';
import {
	D_ENTRIES,
	D_NEXT,
	D_WRITE,
	H_REC_DISABLED,
	H_SEQ,
	HF_CLOCK_NOW,
	HF_CLOCK_STEP,
	S_COMMIT_PAGE,
	S_COMMITS,
	S_COMMITTING,
	S_RECORD_DISABLED,
	S_TAIL_PAGE,
	SF_BEFORE_STAMP,
	SF_ENTRIES,
	SF_ENTRIES_BYTES,
	SF_EVENT_STAMP,
	SF_PAGES_TOUCHED,
	SF_WRITE_STAMP
} from './layout';
import { bufferTableIndex, descI, headerF, structF, structI, subbufOff, type Ring } from './ring';
import { writeCommit, writeTimeStamp } from './subbuf';
import { resetTail, stepWriter, W_DONE, type Exec } from './writer';
import { cmpxchg } from './atomics';

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
	const { i32, f64, u8, L } = ring;
	const len = payload.length;
	if (i32[H_REC_DISABLED] !== 0 || len > L.capacity - 8) return false;
	const s = i32[bufferTableIndex(ring, 0, cpu)]!;
	const SI = structI(ring, s);
	if (i32[SI + S_RECORD_DISABLED] !== 0) return false;
	const tp = i32[SI + S_TAIL_PAGE]!;
	// Is no one else in flight, and does the event fit on the tail page?
	if (i32[SI + S_COMMITTING] !== 0 || i32[SI + S_COMMIT_PAGE] !== tp)
		return writeStepped(ring, cpu, payload, at, warn);
	const SF = structF(ring, s);
	const hf = headerF();
	const d = descI(ring, s, tp);
	const w = i32[d + D_WRITE]! & 0xfffff;
	const before = f64[SF + SF_BEFORE_STAMP]!;
	const after = f64[SF + SF_WRITE_STAMP]!;
	// the clock as readClockFor reads it: never before this CPU's last stamp
	let now = f64[hf + HF_CLOCK_NOW]!;
	if (before > now) now = before;
	if (after > now) now = after;
	const ts = at >= 0 ? (at > now ? at : now) : now + f64[hf + HF_CLOCK_STEP]!;
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
		if (extend || !crossToNextPage(ring, s, tp, w, length, ts))
			return writeStepped(ring, cpu, payload, at, warn);
		// The retry on the new, empty tail page; in the same write the clock does not move.
		return writeEvent(ring, cpu, payload, ts, warn);
	}

	// [A]..[D] with nothing in between: reserve, stamps, header, payload, commit.
	i32[SI + S_COMMITS] = i32[SI + S_COMMITS]! + 1;
	f64[hf + HF_CLOCK_NOW] = ts;
	f64[SF + SF_BEFORE_STAMP] = ts;
	i32[d + D_WRITE] = i32[d + D_WRITE]! + length;
	f64[SF + SF_WRITE_STAMP] = ts;
	delta = force ? ts : ts - after;
	if (w === 0 && !force) delta = 0;
	f64[SF + SF_EVENT_STAMP] = ts;
	const base = subbufOff(ring, s, tp);
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
	const dst = (wi << 2) + ((i32[wi]! & 0x1f) === 0 ? 8 : 4);
	u8.set(payload, dst);
	f64[SF + SF_ENTRIES] = f64[SF + SF_ENTRIES]! + 1;
	// rb_end_commit -> rb_set_commit_to_write: the commit page is the tail page; publish.
	writeCommit(ring, base, w + length);
	return true;
}

/**
 * rb_move_tail when the next page is not the head (its link is NORMAL) and no one else writes on
 * this CPU: every step of the stepped writer's first attempt, from [B] to the padding of the old
 * page and the commit walk onto the new one, back to back. Returns false, having changed nothing,
 * when the case is not that simple (the head is next, or a reader is swapping it).
 */
function crossToNextPage(
	ring: Ring,
	s: number,
	tp: number,
	w: number,
	length: number,
	ts: number
): boolean {
	const { i32, f64 } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	const link = i32[descI(ring, s, tp) + D_NEXT]!;
	if ((link & 3) !== RB_PAGE_NORMAL) return false;
	const np = link >> 2;
	if (np === tp || np === i32[SI + S_COMMIT_PAGE]) return false;
	const hf = headerF();
	f64[hf + HF_CLOCK_NOW] = ts; // [A] the clock read
	f64[SF + SF_BEFORE_STAMP] = ts; // [B]
	const d = descI(ring, s, tp);
	i32[d + D_WRITE] = i32[d + D_WRITE]! + length; // [C] reserves past the end
	// rb_tail_page_update: mark, then empty the next page and move the tail onto it
	const nd = descI(ring, s, np);
	const ow = (i32[nd + D_WRITE]! + RB_WRITE_INTCNT) | 0;
	const oe = (i32[nd + D_ENTRIES]! + RB_WRITE_INTCNT) | 0;
	i32[nd + D_WRITE] = ow & ~RB_WRITE_MASK;
	i32[nd + D_ENTRIES] = oe & ~RB_WRITE_MASK;
	writeCommit(ring, subbufOff(ring, s, np), 0);
	if (cmpxchg(i32, SI + S_TAIL_PAGE, tp, np) !== tp) return false; // cannot happen: we are alone
	f64[SF + SF_PAGES_TOUCHED] = f64[SF + SF_PAGES_TOUCHED]! + 1;
	// rb_reset_tail pads the old page; rb_end_commit publishes it and walks the commit to the tail
	resetTail(ring, s, tp, w, length);
	writeCommit(ring, subbufOff(ring, s, tp), i32[d + D_WRITE]! & RB_WRITE_MASK);
	i32[SI + S_COMMIT_PAGE] = np;
	return true;
}

/** The same write through the step machine, run to its end in a context slot of its own. */
export function writeStepped(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	at = -1,
	warn?: (message: string) => void
): boolean {
	const k = allocSlot(ring);
	if (k < 0) return false;
	const K = slotI(ring, k);
	const F = slotF(ring, k);
	const { i32, f64 } = ring;
	i32[K + K_STATE] = SLOT_RUNNING;
	i32[K + K_OP] = OP_WRITE;
	i32[K + K_CPU] = cpu;
	i32[K + K_CTX] = CTX_TASK;
	i32[K + K_PC] = 0;
	i32[K + K_BUFFER] = 0;
	i32[K + K_STRUCT] = i32[bufferTableIndex(ring, 0, cpu)]!;
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
}

/**
 * `n` writes of `payload` on `cpu` (synthetic clock), byte-identical to calling writeEvent n times,
 * faster: while the events land on the same tail page with the same delta, the counters, stamps
 * and the page's write index are kept in locals and stored once per page. The commit word is still
 * published after every event, so a reader on another thread sees each event as soon as it is
 * complete; the counters it reads can be late by the events of this page (as per-CPU counters read
 * from another CPU can be in the kernel). `stamp(seq)` may rewrite the payload before each event,
 * seq counting the events written. Returns how many were written.
 */
export function writeBurst(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	n: number,
	stamp?: (seq: number) => void,
	warn?: (message: string) => void
): number {
	const { i32, f64, L } = ring;
	const len = payload.length;
	const hf = headerF();
	const step = f64[hf + HF_CLOCK_STEP]!;
	const length = eventLength(len);
	let written = 0;
	let left = n;
	while (left > 0) {
		const s = i32[bufferTableIndex(ring, 0, cpu)]!;
		const SI = structI(ring, s);
		const SF = structF(ring, s);
		const tp = i32[SI + S_TAIL_PAGE]!;
		const d = descI(ring, s, tp);
		const w = i32[d + D_WRITE]! & 0xfffff;
		const stamps = f64[SF + SF_BEFORE_STAMP]!;
		let now = f64[hf + HF_CLOCK_NOW]!;
		if (stamps > now) now = stamps;
		// The shortcut needs a quiet CPU, a page already started, equal stamps, a delta that fits.
		const fits = Math.floor((L.capacity - w) / length);
		if (
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
			if (writeEvent(ring, cpu, payload, -1, warn)) written++;
			left--;
			continue;
		}
		const k = Math.min(left, fits);
		const base = subbufOff(ring, s, tp) + BUF_PAGE_HDR_SIZE;
		let off = base + w;
		let ts = now;
		for (let i = 0; i < k; i++) {
			stamp?.(written + i);
			ts += step;
			encodeDataHeader(i32, off >> 2, length, step);
			ring.u8.set(payload, off + (length - 4 > 112 ? 8 : 4));
			off += length;
			writeCommit(ring, base - BUF_PAGE_HDR_SIZE, off - base);
		}
		// what k single writes would have left behind
		i32[SI + S_COMMITS] = i32[SI + S_COMMITS]! + k;
		f64[hf + HF_CLOCK_NOW] = ts;
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
