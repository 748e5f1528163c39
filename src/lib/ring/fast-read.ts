/**
 * TRACE_MMAP_IOCTL_GET_READER in one call, for a user-space consumer on another thread: the
 * reader step machine (reader.ts, OP_GET_READER) run back to back, the same loads, stores and
 * cmpxchg in the same order, so the state it leaves is byte-identical to stepping it (a property
 * test compares the whole state), at a cost per handed-over page, not per step. The swap's
 * cmpxchg on the link into the head races with writers on other threads exactly as the stepped
 * reader's does, and retries the same way. When another reader holds reader_lock, or the reader
 * page is in a state the kernel would warn about, it runs the step machine itself instead.
 * Kernel: ring_buffer_map_get_reader -> rb_get_reader_page, rb_advance_reader, rb_update_meta_page.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RB_MISSED_EVENTS,
	RB_MISSED_STORED,
	RB_WRITE_MASK,
	RINGBUF_TYPE_DATA_TYPE_LEN_MAX
} from './constants';
import {
	allocSlot,
	CTX_USER,
	freeSlot,
	K_CPU,
	K_CTX,
	K_ERRNO,
	K_OP,
	K_PC,
	K_STATE,
	K_STRUCT,
	OP_GET_READER,
	SLOT_FREE,
	SLOT_RUNNING,
	slotI
} from './context';
import { load } from './atomics';
import {
	D_ENTRIES,
	D_READ,
	D_REAL_END,
	D_WRITE,
	MAX_SLOTS,
	S_CNT,
	S_COMMIT_PAGE,
	S_HEAD_PAGE,
	S_MAPPED,
	S_PAGES,
	S_READER_BUSY,
	S_READER_LOCK,
	S_READER_PAGE,
	SF_LAST_OVERRUN,
	SF_LOST_EVENTS,
	SF_OVERRUN,
	SF_PAGES_READ,
	SF_READ,
	SF_READ_BYTES,
	SF_READ_STAMP
} from './layout';
import { updateMetaPage } from './meta-page';
import {
	findHeadPage,
	headPageReplace,
	nextPage,
	prevPage,
	setListToHead,
	setNext,
	setPrev
} from './page-ring';
import {
	advanceReader,
	perCpuEmpty,
	RD_DONE,
	stepReader,
	unreadEntries,
	USECS_WAIT,
	type ReaderExec
} from './reader';
import { descI, structF, structI, structOf, subbufOff, type Ring } from './ring';
import { commitSize, readCommit, readTimeStamp, writeCommit } from './subbuf';

/** The default warning sink: drops them. */
const ignore = (): void => {};

/** What a GET_READER call ended with. */
export type GetReaderResult = 'ok' | 'ENODEV' | 'EBUSY';

/** Rounds of the ioctl's consume-or-swap loop before giving up (the kernel needs two). */
const MAX_ROUNDS = 1000;
/** Steps of the stepped fallback before giving up (as Simulation's finish limit). */
const STEP_LIMIT = 50_000_000;

/**
 * GET_READER on `cpu`'s buffer (buffer 0): consume what is left on the reader page, or swap in
 * the head page and mark the events lost since the last swap in its commit word, then refresh
 * the meta page. ENODEV when the buffer is not mapped; EBUSY when no context slot is free.
 * `warn` receives the kernel's warnings.
 */
export function getReader(
	ring: Ring,
	cpu: number,
	warn: (message: string) => void = ignore
): GetReaderResult {
	const s = structOf(ring, 0, cpu);
	const SI = structI(ring, s);
	if (!ring.i32[SI + S_MAPPED]) return 'ENODEV';
	const rp = ring.i32[SI + S_READER_PAGE]!;
	// The unusual cases go through the step machine: a reader_lock held by another reader (the
	// stepped reader spins on it), a read index beyond the reader page's size (it warns).
	if (
		ring.i32[SI + S_READER_LOCK] !== 0 ||
		ring.i32[descI(ring, s, rp) + D_READ]! > commitSize(ring, subbufOff(ring, s, rp))
	)
		return getReaderStepped(ring, cpu, warn);
	// The stepped ioctl runs in the first free slot and leaves it free and zeroed: this one needs
	// no registers, so it only borrows that slot's number for the lock words.
	const k = firstFreeSlot(ring);
	if (k < 0) return 'EBUSY';
	const { i32 } = ring;
	i32[SI + S_READER_LOCK] = k + 1; // raw_spin_lock_irqsave(&cpu_buffer->reader_lock)
	for (let round = 0; ; round++) {
		if (round === MAX_ROUNDS) {
			warn('ring_buffer_map_get_reader: the reader page never settled');
			break;
		}
		// consume what is left on the reader page, or swap one in
		if (perCpuEmpty(ring, s)) break;
		const page = i32[SI + S_READER_PAGE]!;
		const size = commitSize(ring, subbufOff(ring, s, page));
		if (i32[descI(ring, s, page) + D_READ]! < size) {
			consumeTo(ring, s, page, size);
			break;
		}
		const reader = getReaderPage(ring, s, k, warn);
		if (reader < 0) {
			warn('ring_buffer_map_get_reader: no reader page');
			break;
		}
		markMissed(ring, s, reader, warn);
	}
	updateMetaPage(ring, s);
	if (i32[SI + S_READER_LOCK] === k + 1) i32[SI + S_READER_LOCK] = 0;
	return 'ok';
}

/** The slot allocSlot would claim now, or -1 when all are in use. */
function firstFreeSlot(ring: Ring): number {
	for (let k = 0; k < MAX_SLOTS; k++)
		if (load(ring.i32, slotI(ring, k) + K_STATE) === SLOT_FREE) return k;
	return -1;
}

/**
 * rb_advance_reader over every record of the reader page up to `size`: user space is assumed to
 * read them all. The counters are kept in locals over data records and stored once, the same
 * float additions in the same order; any other record goes through advanceReader itself.
 */
function consumeTo(ring: Ring, s: number, page: number, size: number): void {
	const { i32, f64 } = ring;
	const SF = structF(ring, s);
	const rd = descI(ring, s, page);
	const data = subbufOff(ring, s, page) + BUF_PAGE_HDR_SIZE;
	let read = i32[rd + D_READ]!;
	let count = f64[SF + SF_READ]!;
	let stamp = f64[SF + SF_READ_STAMP]!;
	let bytes = f64[SF + SF_READ_BYTES]!;
	while (read < size) {
		const wi = (data + read) >> 2;
		const w = i32[wi]!;
		const t = w & 0x1f;
		if (t <= RINGBUF_TYPE_DATA_TYPE_LEN_MAX) {
			const len = t === 0 ? (i32[wi + 1]! >>> 0) + 4 : t * 4 + 4;
			count++;
			stamp += w >>> 5;
			read += len;
			bytes += len;
			continue;
		}
		i32[rd + D_READ] = read;
		f64[SF + SF_READ] = count;
		f64[SF + SF_READ_STAMP] = stamp;
		f64[SF + SF_READ_BYTES] = bytes;
		advanceReader(ring, s);
		read = i32[rd + D_READ]!;
		count = f64[SF + SF_READ]!;
		stamp = f64[SF + SF_READ_STAMP]!;
		bytes = f64[SF + SF_READ_BYTES]!;
	}
	i32[rd + D_READ] = read;
	f64[SF + SF_READ] = count;
	f64[SF + SF_READ_STAMP] = stamp;
	f64[SF + SF_READ_BYTES] = bytes;
}

/**
 * rb_get_reader_page: the page to read from (the reader page while it has unread data, else the
 * head page swapped in: splice the reader page in front of the head, cmpxchg the link into the
 * head from (head | HEAD) to the reader page, retried while a writer pushes the head), or -1.
 * Then wait while a writer is still moving off that page.
 */
function getReaderPage(ring: Ring, s: number, k: number, warn: (m: string) => void): number {
	const { i32, f64, L } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	i32[SI + S_READER_BUSY] = k + 1;
	let reader = -1;
	for (let loops = 1; ; loops++) {
		reader = -1;
		if (loops > 3) {
			warn('rb_get_reader_page looped more than 3 times');
			break;
		}
		const rp = i32[SI + S_READER_PAGE]!;
		const rd = descI(ring, s, rp);
		const size = commitSize(ring, subbufOff(ring, s, rp));
		const read = i32[rd + D_READ]!;
		if (read < size) {
			reader = rp;
			break;
		}
		if (read > size) {
			warn('reader page read index beyond its size');
			reader = rp;
			break;
		}
		if (i32[SI + S_COMMIT_PAGE] === rp) break;
		if (unreadEntries(ring, s) === 0) break;
		i32[rd + D_WRITE] = 0;
		i32[rd + D_ENTRIES] = 0;
		i32[rd + D_REAL_END] = 0;
		let head = -1;
		let overwrite = 0;
		for (;;) {
			head = findHeadPage(ring, s);
			if (head < 0) break;
			setNext(ring, s, rp, nextPage(ring, s, head), 0);
			setPrev(ring, s, rp, prevPage(ring, s, head));
			i32[SI + S_PAGES] = prevPage(ring, s, head);
			setListToHead(ring, s, rp);
			overwrite = f64[SF + SF_OVERRUN]!;
			if (headPageReplace(ring, s, head, rp)) break;
		}
		if (head < 0) {
			warn('rb_set_head_page found no head page');
			break;
		}
		setPrev(ring, s, nextPage(ring, s, head), rp);
		i32[SI + S_HEAD_PAGE] = nextPage(ring, s, i32[SI + S_HEAD_PAGE]!);
		i32[SI + S_CNT] = i32[SI + S_CNT]! + 1;
		f64[SF + SF_PAGES_READ] = f64[SF + SF_PAGES_READ]! + 1;
		i32[SI + S_READER_PAGE] = head;
		i32[descI(ring, s, head) + D_READ] = 0;
		if (overwrite !== f64[SF + SF_LAST_OVERRUN]) {
			f64[SF + SF_LOST_EVENTS] = overwrite - f64[SF + SF_LAST_OVERRUN]!;
			f64[SF + SF_LAST_OVERRUN] = overwrite;
		}
	}
	if (reader >= 0 && i32[descI(ring, s, reader) + D_READ] === 0)
		f64[SF + SF_READ_STAMP] = readTimeStamp(ring, subbufOff(ring, s, reader));
	i32[SI + S_READER_BUSY] = 0;
	// A writer that reserved past the end of this page is still moving the tail off it: wait,
	// USECS_WAIT times 1 us as the kernel does (udelay(1)); the step machine counts the same
	// checks as steps. Only a writer on another thread (or a paused one) makes this wait.
	if (reader >= 0)
		for (
			let waits = 1;
			(load(i32, descI(ring, s, reader) + D_WRITE) & RB_WRITE_MASK) > L.capacity;
			waits++
		) {
			if (waits >= USECS_WAIT) {
				warn('rb_get_reader_page: a writer never moved off the reader page');
				reader = -1;
				break;
			}
			udelay1();
		}
	return reader;
}

/** The host's monotonic clock in ms (browsers, Workers and Node have one; else Date). */
const hostNow: () => number = (() => {
	const p = (globalThis as { performance?: { now(): number } }).performance;
	return p ? () => p.now() : () => Date.now();
})();

/** udelay(1): about a microsecond of busy waiting. */
function udelay1(): void {
	const until = hostNow() + 0.001;
	while (hostNow() < until);
}

/**
 * The events lost since the last swap go into the new reader page's commit word
 * (RB_MISSED_EVENTS, and the count after its data when there is room: RB_MISSED_STORED).
 */
function markMissed(ring: Ring, s: number, reader: number, warn: (m: string) => void): void {
	const { i32, f64, L } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	const missed = f64[SF + SF_LOST_EVENTS]!;
	if (missed) {
		if (reader !== i32[SI + S_COMMIT_PAGE]) {
			const off = subbufOff(ring, s, reader);
			const realEnd = i32[descI(ring, s, reader) + D_REAL_END]!;
			if (realEnd) writeCommit(ring, off, realEnd);
			let commit = readCommit(ring, off);
			if (L.capacity - commitSize(ring, off) >= 8) {
				ring.dv.setBigUint64(
					off + BUF_PAGE_HDR_SIZE + commitSize(ring, off),
					BigInt(missed),
					true
				);
				commit += RB_MISSED_STORED;
			}
			writeCommit(ring, off, (commit + RB_MISSED_EVENTS) >>> 0);
		} else warn(`Reader on commit with ${missed} missed events`);
	}
	f64[SF + SF_LOST_EVENTS] = 0;
}

/** GET_READER through the step machine, run to its end in a context slot of its own. */
export function getReaderStepped(
	ring: Ring,
	cpu: number,
	warn: (message: string) => void = ignore
): GetReaderResult {
	const s = structOf(ring, 0, cpu);
	if (!ring.i32[structI(ring, s) + S_MAPPED]) return 'ENODEV';
	const k = allocSlot(ring);
	if (k < 0) return 'EBUSY';
	const K = slotI(ring, k);
	const { i32 } = ring;
	i32[K + K_STATE] = SLOT_RUNNING;
	i32[K + K_OP] = OP_GET_READER;
	i32[K + K_CPU] = cpu;
	i32[K + K_CTX] = CTX_USER;
	i32[K + K_STRUCT] = s;
	i32[K + K_PC] = 0;
	const x: ReaderExec = {
		ring,
		note: '',
		verbose: false,
		warn,
		payload: () => {},
		emit: () => {},
		emitPage: () => {}
	};
	let steps = 0;
	while (i32[K + K_PC] !== RD_DONE && steps++ < STEP_LIMIT) stepReader(x, k);
	if (i32[K + K_PC] !== RD_DONE) {
		warn('context did not finish within the step limit');
		return 'EBUSY';
	}
	const failed = i32[K + K_ERRNO] !== 0;
	freeSlot(ring, k);
	return failed ? 'EBUSY' : 'ok';
}
