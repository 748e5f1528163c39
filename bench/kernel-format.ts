/**
 * Shared by the baselines, measures nothing itself: the kernel's event length rule, a page encoder
 * with three tight write loops (plain stores, + Atomics.store commit, + performance.now() clock)
 * and an in-place parser of committed sub-buffers (struct buffer_data_page, 4 KiB pages).
 */

/** Bytes of one sub-buffer (PAGE_SIZE << 0). */
export const PAGE = 4096;
/** BUF_PAGE_HDR_SIZE: u64 time_stamp + 64-bit commit. */
export const PAGE_HDR = 16;
/** Data bytes of a 4 KiB sub-buffer. */
export const CAP = PAGE - PAGE_HDR;
/** 1 MiB of sub-buffers: the ring size used by every baseline. */
export const RING_PAGES = 256;
export const RING_BYTES = RING_PAGES * PAGE;
export const TS_SHIFT = 27;
export const TS_MASK = (1 << TS_SHIFT) - 1;
/** Synthetic clock step (the engine's default config.clock.stepNs). */
export const STEP_NS = 100;
const TYPE_PADDING = 29;
const TYPE_TIME_EXTEND = 30;
const RB_MAX_SMALL_DATA = 112;

/** Layout of an event of a given payload size (rb_calculate_event_length, rb_update_event). */
export interface EventShape {
	/** Bytes the event takes in the sub-buffer, header included. */
	len: number;
	/** Header words before the payload: 1, or 2 when type_len is 0 and array[0] holds the length. */
	head: number;
	typeLen: number;
	/** array[0] for type_len 0 records (length - 4), else 0. */
	array0: number;
	/** Payload words. */
	words: number;
}

/** Payloads here are whole words (16, 64, 256 bytes); the kernel's rule for those sizes. */
export function eventShape(payload: number): EventShape {
	if (payload <= 0 || payload % 4 !== 0)
		throw new Error(`payload ${payload}: use a multiple of 4`);
	if (payload <= RB_MAX_SMALL_DATA) {
		let len = 4 + payload;
		if (len === 12) len = 16; // RB_LEN_TIME_EXTEND + RB_ALIGNMENT is bumped
		return { len, head: 1, typeLen: (len - 4) >> 2, array0: 0, words: payload >> 2 };
	}
	const len = 8 + payload;
	return { len, head: 2, typeLen: 0, array0: len - 4, words: payload >> 2 };
}

/**
 * How the baselines copy a payload: a word loop unrolled by 4 up to 112 bytes (a plain word loop
 * is ~2x slower here, `set` slower still at 16 B), `TypedArray.set` above (2.6x faster at 256 B,
 * perf.md). The unrolled loop needs whole 16-byte blocks.
 */
export function copyByWords(words: number): boolean {
	if (words % 4 !== 0) throw new Error(`payload of ${words * 4} bytes: use a multiple of 16`);
	return words <= 28;
}

/** A recognisable payload: word i holds 0x5a000000 + i. */
export function payloadWords(payload: number): Uint32Array {
	const p = new Uint32Array(payload >> 2);
	for (let i = 0; i < p.length; i++) p[i] = 0x5a000000 + i;
	return p;
}

/** Real clock in ns, as the engine scenarios pass it to writeEvent's `at`. */
export function nowNs(): number {
	return Math.round(performance.now() * 1e6);
}

/** Gets the byte offset of a closed sub-buffer; returns the offset of the next one to fill. */
export type NextPage = (off: number) => number;

/**
 * Encodes events into sub-buffers of a buffer, kernel layout, one writer. A page whose next event
 * does not fit is closed (padding, commit word) and handed to `next`.
 */
export class PageEncoder {
	readonly u32: Uint32Array;
	/** Byte offset of the sub-buffer being filled. */
	off: number;
	/** Bytes used in its data area. */
	tail = 0;
	/** Time stamp of the last event (ns). */
	ts = 0;

	constructor(
		buf: ArrayBuffer | SharedArrayBuffer,
		off: number,
		readonly next: NextPage
	) {
		this.u32 = new Uint32Array(buf);
		this.off = off;
	}

	/** Closes the current page: padding to its end (rb_reset_tail), commit word, then `next`. */
	turn(): void {
		const u32 = this.u32;
		const tail = this.tail;
		const w = (this.off >> 2) + 4 + (tail >> 2);
		const rem = CAP - tail;
		let commit = tail;
		if (rem >= 8) {
			u32[w] = TYPE_PADDING | (1 << 5);
			u32[w + 1] = rem - 4;
			commit = CAP;
		} else if (rem > 0) u32[w] = TYPE_PADDING;
		u32[(this.off >> 2) + 2] = commit;
		u32[(this.off >> 2) + 3] = 0;
		this.off = this.next(this.off);
		this.tail = 0;
	}

	/** Hands on a partly filled page as it is (a reader taking the tail page). */
	flush(): void {
		if (this.tail === 0) return;
		this.u32[(this.off >> 2) + 2] = this.tail;
		this.u32[(this.off >> 2) + 3] = 0;
		this.off = this.next(this.off);
		this.tail = 0;
	}

	private stamp(ts: number): void {
		this.u32[this.off >> 2] = ts >>> 0;
		this.u32[(this.off >> 2) + 1] = Math.floor(ts / 4294967296);
	}

	/** `n` events of payload `p`, plain stores, synthetic clock (delta STEP_NS, 0 on a new page). */
	plain(p: Uint32Array, n: number): void {
		const u32 = this.u32;
		const { len, head, typeLen, array0, words } = eventShape(p.length << 2);
		const hdr = typeLen | (STEP_NS << 5);
		const small = copyByWords(words);
		let tail = this.tail;
		let ts = this.ts;
		let base = (this.off >> 2) + 4;
		for (let i = 0; i < n; i++) {
			if (tail + len > CAP) {
				this.tail = tail;
				this.turn();
				tail = 0;
				base = (this.off >> 2) + 4;
			}
			ts += STEP_NS;
			const w = base + (tail >> 2);
			if (tail === 0) {
				this.stamp(ts);
				u32[w] = typeLen;
			} else u32[w] = hdr;
			if (head === 2) u32[w + 1] = array0;
			const d = w + head;
			if (small)
				for (let k = 0; k < words; k += 4) {
					u32[d + k] = p[k]!;
					u32[d + k + 1] = p[k + 1]!;
					u32[d + k + 2] = p[k + 2]!;
					u32[d + k + 3] = p[k + 3]!;
				}
			else u32.set(p, d);
			tail += len;
		}
		this.tail = tail;
		this.ts = ts;
	}

	/** As `plain`, and the page's commit word is published with Atomics.store after every event. */
	atomic(p: Uint32Array, n: number): void {
		const u32 = this.u32;
		const { len, head, typeLen, array0, words } = eventShape(p.length << 2);
		const hdr = typeLen | (STEP_NS << 5);
		const small = copyByWords(words);
		let tail = this.tail;
		let ts = this.ts;
		let base = (this.off >> 2) + 4;
		for (let i = 0; i < n; i++) {
			if (tail + len > CAP) {
				this.tail = tail;
				this.turn();
				tail = 0;
				base = (this.off >> 2) + 4;
			}
			ts += STEP_NS;
			const w = base + (tail >> 2);
			if (tail === 0) {
				this.stamp(ts);
				u32[w] = typeLen;
			} else u32[w] = hdr;
			if (head === 2) u32[w + 1] = array0;
			const d = w + head;
			if (small)
				for (let k = 0; k < words; k += 4) {
					u32[d + k] = p[k]!;
					u32[d + k + 1] = p[k + 1]!;
					u32[d + k + 2] = p[k + 2]!;
					u32[d + k + 3] = p[k + 3]!;
				}
			else u32.set(p, d);
			tail += len;
			Atomics.store(u32, base - 2, tail);
		}
		this.tail = tail;
		this.ts = ts;
	}

	/**
	 * As `plain` with the real clock: one performance.now() per event, delta from the previous
	 * event, a TIME_EXTEND record in front when the delta needs more than 27 bits.
	 */
	clocked(p: Uint32Array, n: number): void {
		const u32 = this.u32;
		const { len, head, typeLen, array0, words } = eventShape(p.length << 2);
		const small = copyByWords(words);
		let tail = this.tail;
		let ts = this.ts;
		let base = (this.off >> 2) + 4;
		for (let i = 0; i < n; i++) {
			const now = Math.round(performance.now() * 1e6);
			let delta = now - ts;
			const ext = tail !== 0 && delta > TS_MASK ? 8 : 0;
			if (tail + len + ext > CAP) {
				this.tail = tail;
				this.turn();
				tail = 0;
				base = (this.off >> 2) + 4;
			}
			ts = now;
			let w = base + (tail >> 2);
			if (tail === 0) {
				this.stamp(ts);
				delta = 0;
			} else if (ext !== 0) {
				u32[w] = TYPE_TIME_EXTEND | ((delta & TS_MASK) << 5);
				u32[w + 1] = Math.floor(delta / 134217728);
				w += 2;
				tail += 8;
				delta = 0;
			}
			u32[w] = typeLen | (delta << 5);
			if (head === 2) u32[w + 1] = array0;
			const d = w + head;
			if (small)
				for (let k = 0; k < words; k += 4) {
					u32[d + k] = p[k]!;
					u32[d + k + 1] = p[k + 1]!;
					u32[d + k + 2] = p[k + 2]!;
					u32[d + k + 3] = p[k + 3]!;
				}
			else u32.set(p, d);
			tail += len;
		}
		this.tail = tail;
		this.ts = ts;
	}
}

/** Keeps the parsers' reads alive (and lets a run be checked): sum of first payload words. */
export const parsed = { sum: 0 };

/**
 * Walks `bytes` bytes of event records starting at word index `w0`; returns the data events.
 * Reads every header and the first payload word, and follows the time deltas.
 */
export function walkEvents(u32: Uint32Array, w0: number, bytes: number): number {
	let tail = 0;
	let n = 0;
	let sum = 0;
	let ts = 0;
	while (tail < bytes) {
		const w = w0 + (tail >> 2);
		const h = u32[w]!;
		const tl = h & 31;
		if (tl === 0) {
			ts += h >>> 5;
			sum += u32[w + 2]!;
			tail += 4 + u32[w + 1]!;
			n++;
		} else if (tl <= 28) {
			ts += h >>> 5;
			sum += u32[w + 1]!;
			tail += 4 + (tl << 2);
			n++;
		} else if (tl === TYPE_PADDING) {
			if (h >>> 5 === 0) break; // the rest of the page
			tail += 4 + u32[w + 1]!;
		} else {
			ts += (h >>> 5) + u32[w + 1]! * 134217728; // time extend / stamp
			tail += 8;
		}
	}
	parsed.sum = (parsed.sum + sum + ts) % 4294967296;
	return n;
}

/** Parses the committed events of the sub-buffer at byte offset `off` in place. */
export function parsePage(u32: Uint32Array, off: number): number {
	const w = off >> 2;
	const commit = Math.min(u32[w + 2]! & 0x7ffffff, CAP);
	return walkEvents(u32, w + 4, commit);
}

// ---- page handoff control block (sab-handoff.ts and its worker) ------------------------------
/** int32 index of the count of pages the writer published (its own cache line). */
export const CTL_PUBLISHED = 0;
/** int32 index of the count of pages the reader gave back (another cache line). */
export const CTL_CONSUMED = 16;
/** int32 index of the writer's "all written" flag. */
export const CTL_DONE = 32;
/** int32 index of the reader's "asleep in Atomics.wait on CTL_PUBLISHED" flag. */
export const CTL_READER_SLEEPS = 48;
/** int32 index of the writer's "asleep in Atomics.wait on CTL_CONSUMED" flag. */
export const CTL_WRITER_SLEEPS = 64;
/**
 * Idle polls before a side sleeps (Atomics.wait, 1 ms at most; the other side notifies only when
 * the flag says so). Spinning alone collapses when other processes share the 2 cores.
 */
export const SPINS = 2000;
/** The sub-buffers start one page in; the control block sits in the first page. */
export const HANDOFF_DATA = PAGE;
export const HANDOFF_BYTES = PAGE + RING_BYTES;
