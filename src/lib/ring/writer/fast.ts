/**
 * The writer with no one watching: a whole write in one call. writeEvent runs the step machine's
 * own step functions back to back, called by name, on a scratch register file instead of a context
 * slot: the common write (it fits on the tail page) takes the same steps in the same order, so the
 * bytes are those of stepping it (property tests compare the whole state). Any other turn (a page
 * crossing, a head push, a failure) continues through the step table from where it is.
 * writeBurst writes many events of one payload, keeping the page's counters in locals while the
 * events stay on one page. Free-running writers in the Worker call these.
 * Kernel: ring_buffer_write (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { store } from '../atomics';
import { BUF_PAGE_HDR_SIZE, RB_WRITE_MASK, TS_MASK } from '../constants';
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
	R_CLOCK_READS,
	R_DELTA_NS,
	R_PAYLOAD_LEN,
	SLOT_RUNNING,
	slotF,
	slotI
} from '../context';
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
import * as commit from './commit';
import { scratchRegs, setStruct, type Exec } from './exec';
import { checkSwap, lockReserve, startCommit } from './lock-reserve';
import { reserveA, reserveB, reserveC, reserveD } from './reserve';
import { runStep, stepWriter, W, W_DONE } from './steps';
import { unlockCommit } from './unlock';
import { payloadOffset, updateEvent } from './update';

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

/** The fast path's registers: laid out like a context slot, never part of the state. */
const FAST = scratchRegs();
let fastPayload: Uint8Array = new Uint8Array(0);
let fastWarn: ((message: string) => void) | undefined;
/** The fast path's host: nobody watches, warnings go to writeEvent's `warn`. */
const FAST_X: Exec = {
	ring: undefined as unknown as Ring,
	note: '',
	verbose: false,
	warn: (message) => fastWarn?.(message),
	payload: (_k, _dst, offset) => copyPayload(FAST_X.ring, offset, fastPayload)
};

/**
 * Writes one event of `payload` on `cpu` (task context), at absolute time `at` ns when given
 * (never before the clock), else one clock step after the last. Returns false when the kernel
 * would not write it (recording off, too large, dropped in producer/consumer mode, ...).
 * `warn` receives the kernel's warnings.
 */
export function writeEvent(
	ring: Ring,
	cpu: number,
	payload: Uint8Array,
	at = -1,
	warn?: (message: string) => void
): boolean {
	const x = FAST_X;
	const r = FAST;
	x.ring = ring;
	fastPayload = payload;
	fastWarn = warn;
	const ri = r.i;
	const rf = r.f;
	r.ring = ring;
	r.i32 = ring.i32;
	r.f64 = ring.f64;
	ri[K_CPU] = cpu;
	ri[K_CTX] = CTX_TASK;
	ri[K_BUFFER] = 0;
	ri[K_ERRNO] = 0;
	setStruct(r, ring.i32[bufferTableIndex(ring, 0, cpu)]!);
	rf[R_PAYLOAD_LEN] = payload.length;
	rf[R_AT] = at;
	rf[R_DELTA_NS] = -1;
	rf[R_CLOCK_READS] = 0;
	// The steps of a write that fits on the tail page, in the step machine's order.
	let next = lockReserve(x, r);
	if (next === W.startCommit) next = startCommit(x, r);
	if (next === W.checkSwap) next = checkSwap(x, r);
	if (next === W.A) next = reserveA(x, r);
	if (next === W.B) next = reserveB(x, r);
	if (next === W.C) next = reserveC(x, r);
	if (next === W.D) next = reserveD(x, r);
	if (next === W.update) next = updateEvent(x, r);
	if (next === W.copy) {
		copyPayload(ring, payloadOffset(r), payload);
		next = W.commit;
	}
	if (next === W.commit) next = commit.rbCommit(x, r);
	if (next === W.endCheck) next = commit.endCommitCheck(x, r);
	if (next === W.endSnap) next = commit.endCommitSnap(x, r);
	if (next === W.commitPage) next = commit.setCommitPage(x, r);
	if (next === W.commitIndex) next = commit.setCommitIndex(x, r);
	if (next === W.commitAgain) next = commit.setCommitAgain(x, r);
	if (next === W.endDec) next = commit.endCommitDec(x, r);
	if (next === W.endRecheck) next = commit.endCommitRecheck(x, r);
	if (next === W.unlock) next = unlockCommit(x, r);
	// Any other turn (a page crossing, a head push, a failure): the same steps through the table.
	while (next !== W.done) next = runStep(x, r, next);
	return ri[K_ERRNO] === 0;
}

/** The same write through the step machine, run to its end in a context slot of its own. */
export const writeStepped: typeof writeEvent = (ring, cpu, payload, at = -1, warn) => {
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
			copyPayload(ring, off + head, payload);
			ts = t;
			off += length;
			// rb_set_commit_to_write publishes each event
			if (perEvent) store(i32, commitI, off - data);
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
