/**
 * rb_get_reader_page, one function per atomic step: the page a reader reads from is the reader
 * page while it has unread data; else the head page is swapped in (splice the reader page in front
 * of the head, set HEAD on its next link, cmpxchg the link into the head from (head | HEAD) to the
 * reader page, retried while a writer pushes the head), and the reader waits while a writer is
 * still moving off that page. The step records (swap-steps.ts, G_START .. G_WAIT) run one function
 * per step with its state in the slot's registers; getReaderPage runs the same functions back to
 * back with it in locals. Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import { load } from '../atomics';
import { RB_WRITE_MASK } from '../constants';
import { K_GRP_RET, slotI } from '../context';
import {
	D_ENTRIES,
	D_READ,
	D_REAL_END,
	D_WRITE,
	S_CNT,
	S_COMMIT_PAGE,
	S_HEAD_PAGE,
	S_PAGES,
	S_READER_BUSY,
	S_READER_PAGE,
	SF_LAST_OVERRUN,
	SF_LOST_EVENTS,
	SF_OVERRUN,
	SF_PAGES_READ,
	SF_READ_STAMP
} from '../layout';
import {
	findHeadPage,
	headPageReplace,
	nextPage,
	prevPage,
	setListToHead,
	setNext,
	setPrev
} from '../page-ring';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';
import { commitSize, readTimeStamp } from '../subbuf';
import { unreadEntries } from './advance';
import { G_START, type Warner } from './pc';

/** Checks of a writer still on the new reader page before giving up (udelay(1) each). */
export const USECS_WAIT = 1000000;

/** Calls rb_get_reader_page as a sub-machine; it returns to `ret` with K_READER set. */
export function callGetReaderPage(ring: Ring, k: number, ret: number): number {
	ring.i32[slotI(ring, k) + K_GRP_RET] = ret;
	return G_START;
}

/** Irqs off, cpu_buffer->lock taken by the reader in slot k. */
export function lockCpuBuffer(ring: Ring, s: number, k: number): void {
	ring.i32[structI(ring, s) + S_READER_BUSY] = k + 1;
}

/** The loop at `again:` ran more than three times: warn and give up. */
export function loopedTooOften(loops: number, w: Warner): boolean {
	if (loops <= 3) return false;
	w.warn('rb_get_reader_page looped more than 3 times');
	return true;
}

// What the check at `again:` found.
/** The reader page has unread data: read it. */
export const PAGE_UNREAD = 0;
/** Its read index is beyond its size (warned): read it anyway. */
export const PAGE_BEYOND = 1;
/** The commit page is the reader page: nothing to read. */
export const NOTHING_COMMITTED = 2;
/** No unread entries in the buffer: nothing to read. */
export const NOTHING_UNREAD = 3;
/** The reader page is used up (and now reset): swap it with the head page. */
export const SWAP_NEEDED = 4;

/** rb_get_reader_page at `again:`: is there anything to read, and must the head be swapped in? */
export function checkReaderPage(ring: Ring, s: number, w: Warner): number {
	const { i32 } = ring;
	const SI = structI(ring, s);
	const rp = i32[SI + S_READER_PAGE]!;
	const rd = descI(ring, s, rp);
	const size = commitSize(ring, subbufOff(ring, s, rp));
	const read = i32[rd + D_READ]!;
	if (read < size) return PAGE_UNREAD;
	if (read > size) {
		w.warn('reader page read index beyond its size');
		return PAGE_BEYOND;
	}
	if (i32[SI + S_COMMIT_PAGE] === rp) return NOTHING_COMMITTED;
	if (unreadEntries(ring, s) === 0) return NOTHING_UNREAD;
	i32[rd + D_WRITE] = 0; // rb_reset_reader_page
	i32[rd + D_ENTRIES] = 0;
	i32[rd + D_REAL_END] = 0;
	return SWAP_NEEDED;
}

/**
 * rb_set_head_page, then splice the reader page in front of the head (its next and prev, and
 * cpu_buffer->pages). Returns the head page, or -1 (warned) when there is none.
 */
export function spliceBeforeHead(ring: Ring, s: number, w: Warner): number {
	const head = findHeadPage(ring, s);
	if (head < 0) {
		w.warn('rb_set_head_page found no head page');
		return -1;
	}
	const rp = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	setNext(ring, s, rp, nextPage(ring, s, head), 0);
	setPrev(ring, s, rp, prevPage(ring, s, head));
	ring.i32[structI(ring, s) + S_PAGES] = prevPage(ring, s, head);
	return head;
}

/** rb_set_list_to_head on the reader page's next link; returns the overrun read after it. */
export function setReaderHeadFlag(ring: Ring, s: number): number {
	setListToHead(ring, s, ring.i32[structI(ring, s) + S_READER_PAGE]!);
	return ring.f64[structF(ring, s) + SF_OVERRUN]!;
}

/** rb_head_page_replace: cmpxchg the link into `head` from (head | HEAD) to the reader page. */
export function replaceHead(ring: Ring, s: number, head: number): boolean {
	return headPageReplace(ring, s, head, ring.i32[structI(ring, s) + S_READER_PAGE]!);
}

/**
 * After the cmpxchg: the new head's prev points to the reader page, the head moves on, the old
 * head is the reader page (read from 0), and the events overwritten since the last swap become
 * lost_events. Returns true when some were lost.
 */
export function takeOldHead(ring: Ring, s: number, head: number, overwrite: number): boolean {
	const { i32, f64 } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	setPrev(ring, s, nextPage(ring, s, head), i32[SI + S_READER_PAGE]!);
	i32[SI + S_HEAD_PAGE] = nextPage(ring, s, i32[SI + S_HEAD_PAGE]!);
	i32[SI + S_CNT] = i32[SI + S_CNT]! + 1;
	f64[SF + SF_PAGES_READ] = f64[SF + SF_PAGES_READ]! + 1;
	i32[SI + S_READER_PAGE] = head;
	i32[descI(ring, s, head) + D_READ] = 0;
	if (overwrite === f64[SF + SF_LAST_OVERRUN]) return false;
	f64[SF + SF_LOST_EVENTS] = overwrite - f64[SF + SF_LAST_OVERRUN]!;
	f64[SF + SF_LAST_OVERRUN] = overwrite;
	return true;
}

/** At `out:`: a page read from its start sets read_stamp; cpu_buffer->lock is dropped. */
export function unlockCpuBuffer(ring: Ring, s: number, reader: number): void {
	if (reader >= 0 && ring.i32[descI(ring, s, reader) + D_READ] === 0)
		ring.f64[structF(ring, s) + SF_READ_STAMP] = readTimeStamp(
			ring,
			subbufOff(ring, s, reader)
		);
	ring.i32[structI(ring, s) + S_READER_BUSY] = 0;
}

/** A writer reserved past the end of `reader` and is still moving the tail off it. */
export function writerOnPage(ring: Ring, s: number, reader: number): boolean {
	return (load(ring.i32, descI(ring, s, reader) + D_WRITE) & RB_WRITE_MASK) > ring.L.capacity;
}

/** The wait for such a writer gave up (warned) after USECS_WAIT checks. */
export function waitedTooLong(waits: number, w: Warner): boolean {
	if (waits < USECS_WAIT) return false;
	w.warn('rb_get_reader_page: a writer never moved off the reader page');
	return true;
}

/**
 * rb_get_reader_page in one call for the reader borrowing slot number k: the page to read from,
 * or -1. The same step functions as G_START .. G_WAIT, in the same order.
 */
export function getReaderPage(ring: Ring, s: number, k: number, w: Warner): number {
	lockCpuBuffer(ring, s, k);
	let reader = -1;
	for (let loops = 1; ; loops++) {
		reader = -1;
		if (loopedTooOften(loops, w)) break;
		const found = checkReaderPage(ring, s, w);
		if (found <= PAGE_BEYOND) reader = ring.i32[structI(ring, s) + S_READER_PAGE]!;
		if (found !== SWAP_NEEDED) break;
		const head = swapHead(ring, s, w);
		if (head < 0) break;
	}
	unlockCpuBuffer(ring, s, reader);
	return reader >= 0 && waitForWriter(ring, s, reader, w) ? reader : -1;
}

/** G_SPIN .. G_FIX back to back, the cmpxchg retried until it holds. The old head, or -1. */
function swapHead(ring: Ring, s: number, w: Warner): number {
	for (;;) {
		const head = spliceBeforeHead(ring, s, w);
		if (head < 0) return -1;
		const overwrite = setReaderHeadFlag(ring, s);
		if (!replaceHead(ring, s, head)) continue;
		takeOldHead(ring, s, head, overwrite);
		return head;
	}
}

/**
 * G_WAIT back to back: USECS_WAIT checks about 1 us apart, as the kernel's udelay(1) loop (the
 * step machine counts the same checks as steps). Only a writer on another thread (or a paused
 * one) makes this wait. False when it gave up.
 */
function waitForWriter(ring: Ring, s: number, reader: number, w: Warner): boolean {
	for (let waits = 1; writerOnPage(ring, s, reader); waits++) {
		if (waitedTooLong(waits, w)) return false;
		udelay1();
	}
	return true;
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
