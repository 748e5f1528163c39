/**
 * A writer as a step machine: ring_buffer_lock_reserve -> rb_reserve_next_event ->
 * __rb_reserve_next (with rb_move_tail, rb_handle_head_page, rb_tail_page_update, rb_reset_tail on
 * a page crossing) -> payload copy -> ring_buffer_unlock_commit (rb_commit, rb_end_commit,
 * rb_set_commit_to_write). Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 *
 * Each call of `stepWriter` runs exactly one atomic step: one load-and-decide, one store, one
 * cmpxchg or one local_add. Between any two steps another context may run: a nested IRQ or NMI
 * writer on the same CPU (which must finish before this one resumes), or a reader on another CPU.
 * The step names [A] .. [F] are the kernel's own labels in __rb_reserve_next.
 */
import { addReturn, cmpxchg, load } from './atomics';
import { readClockFor } from './clock';
import {
	MAX_NEST,
	RB_EVNT_MIN_SIZE,
	RB_LEN_TIME_EXTEND,
	RB_PAGE_HEAD,
	RB_PAGE_NORMAL,
	RB_PAGE_UPDATE,
	RB_WRITE_INTCNT,
	RB_WRITE_MASK,
	RINGBUF_TYPE_PADDING,
	TS_MASK,
	TS_59
} from './constants';
import {
	K_BUFFER,
	K_CPU,
	K_CTX,
	K_ERRNO,
	K_NEW_HEAD,
	K_NEXT_PAGE,
	K_PC,
	K_RET_PC,
	K_STRUCT,
	K_TAIL_PAGE,
	R_ADDTS,
	R_AFTER,
	R_BEFORE,
	R_COMMITS,
	R_DELTA,
	R_ENTRIES,
	R_LENGTH,
	R_MAXCOUNT,
	R_NR_LOOPS,
	R_OLD_ENTRIES,
	R_OLD_WRITE,
	R_PAYLOAD_LEN,
	R_RET,
	R_SEQ,
	R_TAIL,
	R_TS,
	R_TS2,
	R_TYPE,
	R_W,
	R_WRITE,
	slotF,
	slotI
} from './context';
import { encodeDataHeader, encodeTimeRecord, eventLength, headerWord } from './format';
import {
	D_ENTRIES,
	D_REAL_END,
	D_WRITE,
	FL_OVERWRITE,
	H_FLAGS,
	H_REC_DISABLED,
	H_SEQ,
	S_BUFFER,
	S_COMMIT_PAGE,
	S_COMMITS,
	S_COMMITTING,
	S_NR_PAGES,
	S_READER_PAGE,
	S_RECORD_DISABLED,
	S_RECURSION,
	S_TAIL_PAGE,
	SF_COMMIT_OVERRUN,
	SF_DROPPED_EVENTS,
	SF_ENTRIES,
	SF_ENTRIES_BYTES,
	SF_EVENT_STAMP,
	SF_OVERRUN,
	SF_PAGES_LOST,
	SF_PAGES_TOUCHED,
	SF_BEFORE_STAMP,
	SF_WRITE_STAMP
} from './layout';
import { headPageSet, isHeadPage, isReaderPage, nextPage } from './page-ring';
import { descI, structF, structI, structOf, subbufOff, type Ring } from './ring';
import { readCommit, readCommitLong, writeCommit, writeTimeStamp } from './subbuf';
import { BUF_PAGE_HDR_SIZE } from './constants';

/** What a step machine needs from its host besides the state. */
export interface Exec {
	ring: Ring;
	/** RB_WARN_ON / WARN_ON_ONCE equivalents: recorded, shown, and frozen on by the host. */
	warn(message: string): void;
	/** Fills the payload of the write in slot k into `dst` (length R_PAYLOAD_LEN; R_SEQ is set). */
	payload(k: number, dst: Uint8Array, offset: number): void;
	/** Plain-words sentence about the step just taken (written only when `verbose`). */
	note: string;
	/** Someone is watching: compose the notes. Free-running writers leave it false. */
	verbose: boolean;
}

// Why a write failed (register R_RET when the writer ends with K_ERRNO set).
export const WHY_RECORD_OFF = 1;
export const WHY_CPU_DISABLED = 2;
export const WHY_RECURSION = 3;
export const WHY_SWAPPED = 4;
export const WHY_FULL = 5;
export const WHY_COMMIT_OVERRUN = 6;
export const WHY_LOOPS = 7;
export const WHY_HEAD_ERROR = 8;
export const WHY_TOO_BIG = 9;
export const WRITE_FAIL_MESSAGES: Record<number, string> = {
	[WHY_RECORD_OFF]: 'recording is off (tracing_on is 0 or the buffer is disabled)',
	[WHY_CPU_DISABLED]:
		"this CPU's buffer has recording disabled (a swap or resize is in progress)",
	[WHY_RECURSION]:
		'a writer of the same context is already in flight on this CPU (trace_recursive_lock)',
	[WHY_SWAPPED]: 'the per-CPU buffer was swapped out before the write started committing',
	[WHY_FULL]: 'the buffer is full and not in overwrite mode: the newest event is dropped',
	[WHY_COMMIT_OVERRUN]:
		'the tail caught up with the commit page: the event is dropped (commit_overrun)',
	[WHY_LOOPS]: 'the reservation was retried 1000 times',
	[WHY_HEAD_ERROR]: 'the head page could not be moved',
	[WHY_TOO_BIG]: 'the event is larger than a sub-buffer holds'
};

const ADD_EXTEND = 1; // RB_ADD_STAMP_EXTEND
const ADD_FORCE = 4; // RB_ADD_STAMP_FORCE

// Program counters. The table below names each step and the kernel function it mirrors.
export const W_LOCK_RESERVE = 0;
export const W_START_COMMIT = 1;
export const W_CHECK_SWAP = 2;
export const W_A = 3;
export const W_B = 4;
export const W_C = 5;
export const W_D = 6;
export const W_SLOW = 7;
export const W_E = 8;
export const W_F = 9;
export const W_UPDATE = 10;
export const W_COPY = 11;
export const W_COMMIT = 12;
export const W_EC_CHECK = 13;
export const W_EC_SNAP = 14;
export const W_SC_LOOP1 = 15;
export const W_SC_LOOP2 = 16;
export const W_SC_AGAIN = 17;
export const W_EC_DEC = 18;
export const W_EC_RECHECK = 19;
export const W_UNLOCK_OK = 20;
export const W_MT_NEXT = 21;
export const W_MT_HEAD = 22;
export const W_HP_UPDATE = 23;
export const W_HP_SET_HEAD = 24;
export const W_HP_CHECK_TAIL = 25;
export const W_HP_CLEAR_UPDATE = 26;
export const W_TU_INTCNT = 27;
export const W_TU_ZERO = 28;
export const W_TU_MOVE = 29;
export const W_MT_AGAIN = 30;
export const W_MT_AGAIN_RESTART = 31;
export const W_MT_RESET_FAIL = 32;
export const W_UNLOCK_FAIL = 33;
export const W_DONE = 34;

export const WRITER_STEPS: readonly (readonly [label: string, kernel: string])[] = [
	['check recording, take recursion lock', 'ring_buffer_lock_reserve'],
	['committing++, commits++', 'rb_start_commit'],
	['check the buffer was not swapped', 'rb_reserve_next_event'],
	['[A] read tail page, write index, stamps, clock', '__rb_reserve_next'],
	['[B] before_stamp = ts', '__rb_reserve_next'],
	['[C] local_add_return(length, &tail_page->write)', '__rb_reserve_next'],
	['[D] write_stamp = ts', '__rb_reserve_next'],
	['slow path: new clock read, before_stamp = ts', '__rb_reserve_next'],
	['[E] read write_stamp', '__rb_reserve_next'],
	['[F] nothing came in after us? pick the delta', '__rb_reserve_next'],
	['write the event header, entries++ on the page', 'rb_update_event'],
	['copy the payload', 'ring_buffer_write'],
	['entries++', 'rb_commit'],
	['check committing', 'rb_end_commit'],
	['snapshot commits; outermost writer moves the commit', 'rb_end_commit'],
	['publish a full page, commit page forward', 'rb_set_commit_to_write'],
	['publish the commit index of the commit page', 'rb_set_commit_to_write'],
	['did the tail move meanwhile?', 'rb_set_commit_to_write'],
	['committing--', 'rb_end_commit'],
	['did an interrupt slip in? then commit again', 'rb_end_commit'],
	['recursion unlock: event committed', 'ring_buffer_unlock_commit'],
	['page full: is the next page the commit page?', 'rb_move_tail'],
	['is the next page the head page?', 'rb_move_tail'],
	['cmpxchg link HEAD -> UPDATE', 'rb_handle_head_page'],
	['cmpxchg next link NORMAL -> HEAD', 'rb_handle_head_page'],
	['did nested writers move the tail past us?', 'rb_handle_head_page'],
	['cmpxchg link UPDATE -> NORMAL', 'rb_handle_head_page'],
	['add RB_WRITE_INTCNT to next page write/entries', 'rb_tail_page_update'],
	['zero next page write/entries, commit = 0', 'rb_tail_page_update'],
	['cmpxchg tail_page -> next page', 'rb_tail_page_update'],
	['pad the old page, commit what we have', 'rb_move_tail'],
	['committing++ and retry the reservation', 'rb_reserve_next_event'],
	['undo the reservation (padding), event dropped', 'rb_move_tail'],
	['recursion unlock: event not written', 'ring_buffer_lock_reserve'],
	['done', '']
];

/** Recursion bit of a writer context (task 1, irq 2, nmi 4). */
export function recursionBit(ctx: number): number {
	return 1 << ctx;
}

/**
 * rb_reset_tail: after a failed or crossing reservation, fill the rest of the old tail page with
 * padding (or roll the write index back when fewer than 8 bytes are left).
 */
export function resetTail(
	ring: Ring,
	s: number,
	tailPage: number,
	tail: number,
	length: number
): void {
	const { i32, f64, L } = ring;
	const bsize = L.capacity;
	const d = descI(ring, s, tailPage);
	if (tail >= bsize) {
		// Only the event that crossed the boundary pads; the page was filled exactly.
		if (tail === bsize) i32[d + D_REAL_END] = 0;
		addReturn(i32, d + D_WRITE, -length);
		return;
	}
	const ev = (subbufOff(ring, s, tailPage) + BUF_PAGE_HDR_SIZE + tail) >> 2;
	i32[d + D_REAL_END] = tail;
	if (tail > bsize - RB_EVNT_MIN_SIZE) {
		// No room for an event: a null padding the reader never sees (commit ends before it).
		i32[ev] = headerWord(RINGBUF_TYPE_PADDING, 0);
		addReturn(i32, d + D_WRITE, -length);
		return;
	}
	// A padding record with delta 1 up to the end of the page, counted in entries_bytes.
	i32[ev] = headerWord(RINGBUF_TYPE_PADDING, 1);
	i32[ev + 1] = bsize - tail - 4;
	f64[structF(ring, s) + SF_ENTRIES_BYTES] =
		f64[structF(ring, s) + SF_ENTRIES_BYTES]! + bsize - tail;
	addReturn(i32, d + D_WRITE, -(tail + length - bsize));
}

function fail(x: Exec, k: number, why: number, errno: number): number {
	x.ring.i32[slotI(x.ring, k) + K_ERRNO] = errno;
	x.ring.f64[slotF(x.ring, k) + R_RET] = why;
	return W_DONE;
}

/** Runs the next atomic step of the writer in slot k. Returns the pc that was executed. */
export function stepWriter(x: Exec, k: number): number {
	const { ring } = x;
	const { i32, f64, L } = ring;
	const K = slotI(ring, k);
	const F = slotF(ring, k);
	const pc = i32[K + K_PC]!;
	const s = i32[K + K_STRUCT]!;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	let next = W_DONE;
	switch (pc) {
		case W_LOCK_RESERVE: {
			const buffer = i32[K + K_BUFFER]!;
			const cpu = i32[K + K_CPU]!;
			if (i32[H_REC_DISABLED + buffer] !== 0) {
				if (x.verbose) x.note = 'Recording is off: ring_buffer_lock_reserve returns NULL.';
				next = fail(x, k, WHY_RECORD_OFF, 1);
				break;
			}
			// cpu_buffer = buffer->buffers[cpu]: the struct this writer will use from now on.
			const ns = structOf(ring, buffer, cpu);
			i32[K + K_STRUCT] = ns;
			const nsi = structI(ring, ns);
			if (i32[nsi + S_RECORD_DISABLED] !== 0) {
				if (x.verbose)
					x.note = "This CPU's buffer has recording disabled: the write is refused.";
				next = fail(x, k, WHY_CPU_DISABLED, 1);
				break;
			}
			if (f64[F + R_PAYLOAD_LEN]! > L.capacity - 8) {
				if (x.verbose) x.note = 'The event is larger than max_data_size.';
				next = fail(x, k, WHY_TOO_BIG, 2);
				break;
			}
			const bit = recursionBit(i32[K + K_CTX]!);
			if (i32[nsi + S_RECURSION]! & bit) {
				if (x.verbose)
					x.note =
						'A writer of this context is already running on this CPU: recursion refused.';
				next = fail(x, k, WHY_RECURSION, 1);
				break;
			}
			i32[nsi + S_RECURSION] = i32[nsi + S_RECURSION]! | bit;
			if (x.verbose) x.note = `Recording is on; this writer will use CPU ${cpu}'s buffer.`;
			next = W_START_COMMIT;
			break;
		}
		case W_START_COMMIT:
			i32[SI + S_COMMITTING]!++;
			i32[SI + S_COMMITS]!++;
			if (x.verbose)
				x.note = `committing = ${i32[SI + S_COMMITTING]}: from now on a snapshot swap of this CPU is refused.`;
			next = W_CHECK_SWAP;
			break;
		case W_CHECK_SWAP: {
			if (i32[SI + S_BUFFER] !== i32[K + K_BUFFER]) {
				i32[SI + S_COMMITTING]!--;
				i32[SI + S_COMMITS]!--;
				if (x.verbose)
					x.note =
						'The per-CPU buffer now belongs to another buffer (swapped): the write fails.';
				fail(x, k, WHY_SWAPPED, 1);
				next = W_UNLOCK_FAIL;
				break;
			}
			f64[F + R_LENGTH] = eventLength(f64[F + R_PAYLOAD_LEN]!);
			f64[F + R_NR_LOOPS] = 0;
			if (x.verbose) x.note = `The event needs ${f64[F + R_LENGTH]} bytes.`;
			next = W_A;
			break;
		}
		case W_A: {
			f64[F + R_ADDTS] = 0;
			f64[F + R_DELTA] = 0;
			if (++f64[F + R_NR_LOOPS]! > 1000) {
				x.warn('rb_reserve_next_event looped more than 1000 times');
				fail(x, k, WHY_LOOPS, 1);
				i32[K + K_RET_PC] = W_UNLOCK_FAIL;
				next = W_EC_CHECK;
				break;
			}
			const tp = load(i32, SI + S_TAIL_PAGE);
			i32[K + K_TAIL_PAGE] = tp;
			const w = load(i32, descI(ring, s, tp) + D_WRITE) & RB_WRITE_MASK;
			f64[F + R_W] = w;
			const before = f64[SF + SF_BEFORE_STAMP]!;
			const after = f64[SF + SF_WRITE_STAMP]!;
			f64[F + R_BEFORE] = before;
			f64[F + R_AFTER] = after;
			const ts = readClockFor(ring, F, Math.max(before, after));
			f64[F + R_TS] = ts;
			if (w === 0) {
				f64[F + R_DELTA] = 0; // the sub-buffer time stamp will carry the time
				if (x.verbose)
					x.note = `Tail page ${tp} is empty: the event takes the page's time stamp (ts ${ts}).`;
			} else if (before !== after) {
				// We interrupted another writer between its [B] and [D]: carry a full stamp.
				f64[F + R_ADDTS] = ADD_FORCE | ADD_EXTEND;
				f64[F + R_LENGTH] = f64[F + R_LENGTH]! + RB_LEN_TIME_EXTEND;
				if (x.verbose)
					x.note = `before_stamp != write_stamp: we interrupted a writer, so this event carries an absolute time stamp.`;
			} else {
				const delta = ts - after;
				f64[F + R_DELTA] = delta;
				if (delta < 0 || delta > TS_MASK) {
					f64[F + R_ADDTS] = ADD_EXTEND;
					f64[F + R_LENGTH] = f64[F + R_LENGTH]! + RB_LEN_TIME_EXTEND;
					if (x.verbose)
						x.note = `Delta ${delta} ns does not fit in 27 bits: a time extend is added.`;
				} else if (x.verbose)
					x.note = `Tail page ${tp}, write index ${w}, delta ${delta} ns.`;
			}
			next = W_B;
			break;
		}
		case W_B:
			f64[SF + SF_BEFORE_STAMP] = f64[F + R_TS]!;
			if (x.verbose)
				x.note = `before_stamp = ${f64[F + R_TS]}: a writer interrupting us now will see it differ from write_stamp.`;
			next = W_C;
			break;
		case W_C: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const length = f64[F + R_LENGTH]!;
			const write = addReturn(i32, descI(ring, s, tp) + D_WRITE, length) & RB_WRITE_MASK;
			const tail = write - length;
			f64[F + R_WRITE] = write;
			f64[F + R_TAIL] = tail;
			if (write > L.capacity) {
				if (x.verbose)
					x.note = `Reserved ${tail}..${write} past the page end (${L.capacity}): the tail must move.`;
				next = W_MT_NEXT;
			} else if (tail === f64[F + R_W]) {
				if (x.verbose) x.note = `Reserved bytes ${tail}..${write} of page ${tp}.`;
				next = W_D;
			} else {
				if (x.verbose)
					x.note = `Reserved ${tail}..${write}, but the write index moved since [A]: an interrupt wrote in between.`;
				next = W_SLOW;
			}
			break;
		}
		case W_D: {
			const ts = f64[F + R_TS]!;
			f64[SF + SF_WRITE_STAMP] = ts;
			f64[F + R_DELTA] = f64[F + R_ADDTS]! & ADD_FORCE ? ts : ts - f64[F + R_AFTER]!;
			if (x.verbose) x.note = `write_stamp = ${ts}: stamps agree again.`;
			next = W_UPDATE;
			break;
		}
		case W_SLOW: {
			f64[F + R_BEFORE] = f64[SF + SF_BEFORE_STAMP]!;
			const ts2 = readClockFor(
				ring,
				F,
				Math.max(f64[SF + SF_BEFORE_STAMP]!, f64[SF + SF_WRITE_STAMP]!)
			);
			f64[F + R_TS2] = ts2;
			f64[SF + SF_BEFORE_STAMP] = ts2;
			if (x.verbose)
				x.note = `Interrupted between [A] and [C]: read the clock again (${ts2}) and set before_stamp.`;
			next = W_E;
			break;
		}
		case W_E:
			f64[F + R_AFTER] = f64[SF + SF_WRITE_STAMP]!;
			if (x.verbose) x.note = `write_stamp reads ${f64[F + R_AFTER]}.`;
			next = W_F;
			break;
		case W_F: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const ts2 = f64[F + R_TS2]!;
			const after = f64[F + R_AFTER]!;
			const cur = load(i32, descI(ring, s, tp) + D_WRITE) & RB_WRITE_MASK;
			if (f64[F + R_WRITE] === cur && after === f64[F + R_BEFORE] && after < ts2) {
				f64[F + R_DELTA] = ts2 - after;
				if (x.verbose)
					x.note = `Nothing came in after our reservation: delta = ${ts2 - after}.`;
			} else {
				f64[F + R_DELTA] = 0;
				if (x.verbose)
					x.note =
						'Something came in after our reservation: use delta 0 (same time as the event we interrupted).';
			}
			f64[F + R_TS] = ts2;
			f64[F + R_ADDTS] = f64[F + R_ADDTS]! & ~ADD_FORCE;
			next = W_UPDATE;
			break;
		}
		case W_UPDATE: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const tail = f64[F + R_TAIL]!;
			const addts = f64[F + R_ADDTS]!;
			const ts = f64[F + R_TS]!;
			let delta = f64[F + R_DELTA]!;
			if (tail === 0 && !(addts & ADD_FORCE)) delta = 0;
			const nest = i32[SI + S_COMMITTING]! - 1;
			if (nest >= MAX_NEST) x.warn('nesting deeper than MAX_NEST');
			else f64[SF + SF_EVENT_STAMP + nest] = ts;
			const base = subbufOff(ring, s, tp);
			let wi = (base + BUF_PAGE_HDR_SIZE + tail) >> 2;
			let length = f64[F + R_LENGTH]!;
			if (addts) {
				// rb_add_timestamp
				const abs = (addts & ADD_FORCE) !== 0;
				if (delta > TS_59 || delta < 0) {
					if (!abs) {
						x.warn(`Delta way too big or clock went backwards (delta ${delta})`);
						delta = 0;
					}
				}
				encodeTimeRecord(i32, wi, abs ? delta % TS_59 : delta, abs, !abs && tail === 0);
				wi += 2;
				length -= RB_LEN_TIME_EXTEND;
				delta = 0;
			}
			encodeDataHeader(i32, wi, length, delta);
			// ringlab: the n-th event written on this CPU, carried by generated payloads
			const cpu = i32[K + K_CPU]!;
			f64[F + R_SEQ] = i32[H_SEQ + cpu]!;
			i32[H_SEQ + cpu] = i32[H_SEQ + cpu]! + 1;
			addReturn(i32, descI(ring, s, tp) + D_ENTRIES, 1);
			if (tail === 0) writeTimeStamp(ring, base, ts);
			f64[SF + SF_ENTRIES_BYTES] = f64[SF + SF_ENTRIES_BYTES]! + f64[F + R_LENGTH]!;
			f64[F + R_DELTA] = delta;
			if (x.verbose)
				x.note = addts
					? `Wrote a ${addts & ADD_FORCE ? 'time stamp' : 'time extend'} and the event header at ${tail}.`
					: `Wrote the event header at ${tail} (delta ${delta}).`;
			next = W_COPY;
			break;
		}
		case W_COPY: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const tail = f64[F + R_TAIL]!;
			const ext = f64[F + R_ADDTS] ? RB_LEN_TIME_EXTEND : 0;
			const evOff = subbufOff(ring, s, tp) + BUF_PAGE_HDR_SIZE + tail + ext;
			const large = (i32[evOff >> 2]! & 0x1f) === 0;
			x.payload(k, ring.u8, evOff + (large ? 8 : 4));
			if (x.verbose)
				x.note = `Copied ${f64[F + R_PAYLOAD_LEN]} payload bytes; the event is reserved but not yet committed.`;
			next = W_COMMIT;
			break;
		}
		case W_COMMIT: {
			// ring_buffer_unlock_commit looks buffer->buffers[cpu] up again: after a racing swap it
			// is not the struct the event was reserved in.
			const cs = structOf(ring, i32[K + K_BUFFER]!, i32[K + K_CPU]!);
			i32[K + K_STRUCT] = cs;
			const CF = structF(ring, cs);
			f64[CF + SF_ENTRIES] = f64[CF + SF_ENTRIES]! + 1;
			i32[K + K_RET_PC] = W_UNLOCK_OK;
			if (x.verbose)
				x.note =
					cs === s
						? 'entries++ for this CPU; now end the commit.'
						: `The commit goes to struct ${cs}, not struct ${s} where the event was reserved: the buffer was swapped under us.`;
			next = W_EC_CHECK;
			break;
		}
		case W_EC_CHECK:
			if (i32[SI + S_COMMITTING] === 0) {
				x.warn('rb_end_commit with committing == 0');
				if (x.verbose) x.note = 'committing is already 0: the kernel warns.';
				next = i32[K + K_RET_PC]!;
				break;
			}
			if (x.verbose) x.note = `committing = ${i32[SI + S_COMMITTING]}.`;
			next = W_EC_SNAP;
			break;
		case W_EC_SNAP:
			f64[F + R_COMMITS] = i32[SI + S_COMMITS]!;
			if (i32[SI + S_COMMITTING] === 1) {
				f64[F + R_MAXCOUNT] = i32[SI + S_NR_PAGES]! * 100;
				if (x.verbose)
					x.note = 'We are the outermost writer: move the commit up to the tail.';
				next = W_SC_LOOP1;
			} else {
				if (x.verbose)
					x.note =
						'A writer below us is still in flight: our commit stays pending until it finishes.';
				next = W_EC_DEC;
			}
			break;
		case W_SC_LOOP1: {
			const cp = i32[SI + S_COMMIT_PAGE]!;
			const tp = load(i32, SI + S_TAIL_PAGE);
			if (cp === tp) {
				if (x.verbose) x.note = 'The commit page is the tail page.';
				next = W_SC_LOOP2;
				break;
			}
			if (--f64[F + R_MAXCOUNT]! <= 0) {
				x.warn('rb_set_commit_to_write looped too long');
				next = W_EC_DEC;
				break;
			}
			if (isReaderPage(ring, s, tp)) {
				x.warn('the tail page is the reader page while the commit is behind it');
				next = W_EC_DEC;
				break;
			}
			const cd = descI(ring, s, cp);
			writeCommit(ring, subbufOff(ring, s, cp), i32[cd + D_WRITE]! & RB_WRITE_MASK);
			const np = nextPage(ring, s, cp);
			i32[SI + S_COMMIT_PAGE] = np;
			if (x.verbose)
				x.note = `Page ${cp} is complete: publish its commit and move the commit page to ${np}.`;
			next = W_SC_LOOP1;
			break;
		}
		case W_SC_LOOP2: {
			const cp = i32[SI + S_COMMIT_PAGE]!;
			const w = i32[descI(ring, s, cp) + D_WRITE]! & RB_WRITE_MASK;
			const off = subbufOff(ring, s, cp);
			if (readCommit(ring, off) !== w) writeCommit(ring, off, w);
			if (x.verbose)
				x.note = `Publish commit = ${w} on page ${cp}: readers may now read up to there.`;
			next = W_SC_AGAIN;
			break;
		}
		case W_SC_AGAIN:
			if (i32[SI + S_COMMIT_PAGE] !== load(i32, SI + S_TAIL_PAGE)) {
				f64[F + R_MAXCOUNT] = i32[SI + S_NR_PAGES]! * 100;
				if (x.verbose)
					x.note = 'An interrupt moved the tail meanwhile: walk the commit again.';
				next = W_SC_LOOP1;
			} else {
				if (x.verbose) x.note = 'The commit has caught up with the tail.';
				next = W_EC_DEC;
			}
			break;
		case W_EC_DEC:
			i32[SI + S_COMMITTING]!--;
			if (x.verbose) x.note = `committing = ${i32[SI + S_COMMITTING]}.`;
			next = W_EC_RECHECK;
			break;
		case W_EC_RECHECK:
			if (i32[SI + S_COMMITS] !== f64[F + R_COMMITS] && i32[SI + S_COMMITTING] === 0) {
				i32[SI + S_COMMITTING]!++;
				if (x.verbose)
					x.note =
						'An interrupt wrote after we moved the commit: committing++ and move it again.';
				next = W_EC_SNAP;
			} else {
				if (x.verbose) x.note = 'No interrupt slipped in.';
				next = i32[K + K_RET_PC]!;
			}
			break;
		case W_UNLOCK_OK:
			i32[SI + S_RECURSION] = i32[SI + S_RECURSION]! & ~recursionBit(i32[K + K_CTX]!);
			if (x.verbose) {
				// Readable or not is the commit's to say (rb_end_commit moves it only when the
				// outermost writer ends): say which, from the state, not from the step.
				const cp = i32[SI + S_COMMIT_PAGE]!;
				const at = readCommit(ring, subbufOff(ring, s, cp)) & RB_WRITE_MASK;
				x.note =
					i32[SI + S_COMMITTING]! > 0
						? `The write is complete, but its event is not readable yet: a writer it interrupted is still in flight, so the commit stays at byte ${at} of page ${cp} until that writer ends.`
						: `The write is complete and committed (commit at byte ${at} of page ${cp}): readers can take the event.`;
			}
			next = W_DONE;
			break;
		case W_MT_NEXT: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const np = nextPage(ring, s, tp);
			i32[K + K_NEXT_PAGE] = np;
			if (np === i32[SI + S_COMMIT_PAGE]) {
				f64[SF + SF_COMMIT_OVERRUN]!++;
				fail(x, k, WHY_COMMIT_OVERRUN, 1);
				if (x.verbose)
					x.note = `The next page ${np} is the commit page: interrupts wrapped the whole buffer (commit_overrun).`;
				next = W_MT_RESET_FAIL;
			} else {
				if (x.verbose) x.note = `The next page is ${np}.`;
				next = W_MT_HEAD;
			}
			break;
		}
		case W_MT_HEAD: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const np = i32[K + K_NEXT_PAGE]!;
			const cp = i32[SI + S_COMMIT_PAGE]!;
			if (isHeadPage(ring, s, np, tp) !== RB_PAGE_NORMAL) {
				if (!isReaderPage(ring, s, cp)) {
					if (!(i32[H_FLAGS]! & FL_OVERWRITE)) {
						f64[SF + SF_DROPPED_EVENTS]!++;
						fail(x, k, WHY_FULL, 1);
						if (x.verbose)
							x.note = `Page ${np} is the head and overwrite is off: the event is dropped (dropped_events).`;
						next = W_MT_RESET_FAIL;
					} else {
						if (x.verbose)
							x.note = `Page ${np} is the head: overwrite mode pushes the head forward.`;
						next = W_HP_UPDATE;
					}
				} else if (cp !== load(i32, SI + S_TAIL_PAGE) && cp === i32[SI + S_READER_PAGE]) {
					f64[SF + SF_COMMIT_OVERRUN]!++;
					fail(x, k, WHY_COMMIT_OVERRUN, 1);
					if (x.verbose)
						x.note =
							'The commit is still on the reader page: the head cannot be pushed (commit_overrun).';
					next = W_MT_RESET_FAIL;
				} else {
					if (x.verbose) x.note = 'The tail leaves the reader page into the ring.';
					next = W_TU_INTCNT;
				}
			} else {
				if (x.verbose) x.note = `Page ${np} is not the head: move the tail there.`;
				next = W_TU_INTCNT;
			}
			break;
		}
		case W_HP_UPDATE: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const np = i32[K + K_NEXT_PAGE]!;
			const nd = descI(ring, s, np);
			const entries = i32[nd + D_ENTRIES]! & RB_WRITE_MASK;
			const type = headPageSet(ring, s, tp, RB_PAGE_HEAD, RB_PAGE_UPDATE);
			f64[F + R_TYPE] = type;
			if (type === RB_PAGE_HEAD) {
				f64[SF + SF_OVERRUN] = f64[SF + SF_OVERRUN]! + entries;
				f64[SF + SF_ENTRIES_BYTES] =
					f64[SF + SF_ENTRIES_BYTES]! - readCommitLong(ring, subbufOff(ring, s, np));
				f64[SF + SF_PAGES_LOST]!++;
				f64[F + R_ENTRIES] = entries;
				if (x.verbose)
					x.note = `Link ${tp}->${np} is now UPDATE; the ${entries} events on page ${np} are lost (overrun).`;
				next = W_HP_SET_HEAD;
			} else if (type === RB_PAGE_UPDATE) {
				if (x.verbose)
					x.note =
						'The link is already UPDATE: we interrupted a writer pushing the head; help it.';
				next = W_HP_SET_HEAD;
			} else if (type === RB_PAGE_NORMAL) {
				if (x.verbose)
					x.note = 'The link is NORMAL: an interrupt already pushed the head; retry.';
				next = W_MT_AGAIN;
			} else {
				if (x.verbose)
					x.note = 'The link moved: a reader swapped the head page out; retry.';
				next = W_MT_AGAIN;
			}
			break;
		}
		case W_HP_SET_HEAD: {
			const np = i32[K + K_NEXT_PAGE]!;
			const nh = nextPage(ring, s, np);
			i32[K + K_NEW_HEAD] = nh;
			const ret = headPageSet(ring, s, np, RB_PAGE_NORMAL, RB_PAGE_HEAD);
			f64[F + R_RET] = ret;
			if (ret !== RB_PAGE_HEAD && ret !== RB_PAGE_NORMAL) {
				x.warn('rb_handle_head_page: unexpected flag setting the new head');
				fail(x, k, WHY_HEAD_ERROR, 1);
				next = W_MT_RESET_FAIL;
				break;
			}
			if (x.verbose)
				x.note =
					ret === RB_PAGE_NORMAL
						? `Link ${np}->${nh} is now HEAD: page ${nh} is the new head.`
						: `Link ${np}->${nh} was already HEAD: an interrupt did it.`;
			next = W_HP_CHECK_TAIL;
			break;
		}
		case W_HP_CHECK_TAIL: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const np = i32[K + K_NEXT_PAGE]!;
			if (x.verbose) x.note = 'The tail is where we expect it.';
			if (f64[F + R_RET] === RB_PAGE_NORMAL) {
				const live = load(i32, SI + S_TAIL_PAGE);
				if (live !== tp && live !== np) {
					headPageSet(ring, s, np, RB_PAGE_HEAD, RB_PAGE_NORMAL);
					if (x.verbose)
						x.note = `Nested writers moved the tail to ${live}, past the head we just set: clear that HEAD again.`;
				}
			}
			next = f64[F + R_TYPE] === RB_PAGE_HEAD ? W_HP_CLEAR_UPDATE : W_TU_INTCNT;
			break;
		}
		case W_HP_CLEAR_UPDATE: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const ret = headPageSet(ring, s, tp, RB_PAGE_UPDATE, RB_PAGE_NORMAL);
			if (ret !== RB_PAGE_UPDATE) {
				x.warn('rb_handle_head_page: the UPDATE flag we set is gone');
				fail(x, k, WHY_HEAD_ERROR, 1);
				next = W_MT_RESET_FAIL;
				break;
			}
			if (x.verbose)
				x.note = `Link ${tp}->${i32[K + K_NEXT_PAGE]} back to NORMAL: the head push is done.`;
			next = W_TU_INTCNT;
			break;
		}
		case W_TU_INTCNT: {
			const nd = descI(ring, s, i32[K + K_NEXT_PAGE]!);
			f64[F + R_OLD_WRITE] = addReturn(i32, nd + D_WRITE, RB_WRITE_INTCNT);
			f64[F + R_OLD_ENTRIES] = addReturn(i32, nd + D_ENTRIES, RB_WRITE_INTCNT);
			if (x.verbose) x.note = 'Mark the next page as being updated (RB_WRITE_INTCNT).';
			next = W_TU_ZERO;
			break;
		}
		case W_TU_ZERO: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const np = i32[K + K_NEXT_PAGE]!;
			if (tp === load(i32, SI + S_TAIL_PAGE)) {
				const nd = descI(ring, s, np);
				const ow = f64[F + R_OLD_WRITE]! | 0;
				const oe = f64[F + R_OLD_ENTRIES]! | 0;
				cmpxchg(i32, nd + D_WRITE, ow, ow & ~RB_WRITE_MASK);
				cmpxchg(i32, nd + D_ENTRIES, oe, oe & ~RB_WRITE_MASK);
				writeCommit(ring, subbufOff(ring, s, np), 0);
				if (x.verbose)
					x.note = `Page ${np} emptied for writing (write, entries, commit = 0).`;
				next = W_TU_MOVE;
			} else {
				if (x.verbose) x.note = 'An interrupt already moved the tail: nothing to do.';
				next = W_MT_AGAIN;
			}
			break;
		}
		case W_TU_MOVE: {
			const tp = i32[K + K_TAIL_PAGE]!;
			const np = i32[K + K_NEXT_PAGE]!;
			if (cmpxchg(i32, SI + S_TAIL_PAGE, tp, np) === tp) {
				f64[SF + SF_PAGES_TOUCHED]!++;
				if (x.verbose) x.note = `tail_page: ${tp} -> ${np}.`;
			} else if (x.verbose) x.note = 'The tail cmpxchg failed: an interrupt moved it first.';
			next = W_MT_AGAIN;
			break;
		}
		case W_MT_AGAIN:
			resetTail(ring, s, i32[K + K_TAIL_PAGE]!, f64[F + R_TAIL]!, f64[F + R_LENGTH]!);
			i32[K + K_RET_PC] = W_MT_AGAIN_RESTART;
			if (x.verbose) x.note = 'Pad the rest of the old page and commit what is there.';
			next = W_EC_CHECK;
			break;
		case W_MT_AGAIN_RESTART:
			i32[SI + S_COMMITTING]!++;
			if (f64[F + R_ADDTS]! & (ADD_FORCE | ADD_EXTEND))
				f64[F + R_LENGTH] = f64[F + R_LENGTH]! - RB_LEN_TIME_EXTEND;
			if (x.verbose) x.note = 'Retry the reservation on the new tail page.';
			next = W_A;
			break;
		case W_MT_RESET_FAIL:
			resetTail(ring, s, i32[K + K_TAIL_PAGE]!, f64[F + R_TAIL]!, f64[F + R_LENGTH]!);
			i32[K + K_RET_PC] = W_UNLOCK_FAIL;
			if (x.verbose) x.note = 'Undo: pad the old page; the event is not written.';
			next = W_EC_CHECK;
			break;
		case W_UNLOCK_FAIL:
			i32[SI + S_RECURSION] = i32[SI + S_RECURSION]! & ~recursionBit(i32[K + K_CTX]!);
			if (x.verbose) x.note = 'The write failed.';
			next = W_DONE;
			break;
		default:
			next = W_DONE;
	}
	i32[K + K_PC] = next;
	return pc;
}
