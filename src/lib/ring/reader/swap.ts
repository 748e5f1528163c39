/**
 * rb_get_reader_page, one function per atomic step: the page a reader reads from is the reader
 * page while it has unread data; else the head page is swapped in (splice the reader page in front
 * of the head, set HEAD on its next link, cmpxchg the link into the head from (head | HEAD) to the
 * reader page, retried while a writer pushes the head), and the reader waits while a writer is
 * still moving off that page. The step records (G_START .. G_WAIT) run one function per step with
 * its state in the slot's registers; getReaderPage runs the same functions back to back with it in
 * locals. Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import { load } from '../atomics';
import { RB_WRITE_MASK } from '../constants';
import {
	K_GRP_RET,
	K_READER,
	K_STRUCT,
	R_GRP_LOOPS,
	R_OVERWRITE,
	R_WAIT,
	slotF,
	slotI
} from '../context';
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
import {
	G_AGAIN,
	G_FIX,
	G_OUT,
	G_REPLACE,
	G_SET_HEAD,
	G_SPIN,
	G_START,
	G_WAIT,
	type ReaderStep,
	type Warner
} from './pc';

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

// ---- the step records: one function per step, its state in the slot's registers -------------

/** The slot's per-CPU buffer and the int32/float64 indexes of its fields and registers. */
function regs(x: { ring: Ring }, k: number): { s: number; K: number; F: number } {
	const K = slotI(x.ring, k);
	return { s: x.ring.i32[K + K_STRUCT]!, K, F: slotF(x.ring, k) };
}

const readerPageOf = (ring: Ring, s: number): number => ring.i32[structI(ring, s) + S_READER_PAGE]!;

/** The note for what the check at `again:` found (none for a warned read index). */
function againNote(ring: Ring, s: number, found: number): string | null {
	const rp = readerPageOf(ring, s);
	if (found === PAGE_UNREAD) {
		const read = ring.i32[descI(ring, s, rp) + D_READ]!;
		const size = commitSize(ring, subbufOff(ring, s, rp));
		return `Reader page ${rp} still has unread data (${read} of ${size} bytes read).`;
	}
	if (found === NOTHING_COMMITTED)
		return 'The commit page is the reader page: nothing more has been committed.';
	if (found === NOTHING_UNREAD) return 'The buffer holds no unread events: nothing to swap.';
	if (found === SWAP_NEEDED)
		return `Reader page ${rp} is used up: reset it and swap it with the head page.`;
	return null;
}

export const SWAP_STEPS_OF_READER: readonly ReaderStep[] = [
	{
		id: 'G_START',
		label: 'irqs off, take cpu_buffer->lock',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { s, F } = regs(x, k);
			lockCpuBuffer(x.ring, s, k);
			x.ring.f64[F + R_GRP_LOOPS] = 0;
			if (x.verbose) x.note = 'Interrupts off on the reader CPU; cpu_buffer->lock taken.';
			return G_AGAIN;
		}
	},
	{
		id: 'G_AGAIN',
		label: 'unread data on the reader page? anything to swap?',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K, F } = regs(x, k);
			ring.i32[K + K_READER] = -1;
			if (loopedTooOften(++ring.f64[F + R_GRP_LOOPS]!, x)) {
				if (x.verbose) x.note = 'Looped too often: give up.';
				return G_OUT;
			}
			const found = checkReaderPage(ring, s, x);
			if (found <= PAGE_BEYOND) ring.i32[K + K_READER] = readerPageOf(ring, s);
			const note = x.verbose ? againNote(ring, s, found) : null;
			if (note !== null) x.note = note;
			return found === SWAP_NEEDED ? G_SPIN : G_OUT;
		}
	},
	{
		id: 'G_SPIN',
		label: 'find the head page, splice the reader page in front of it',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K } = regs(x, k);
			const head = spliceBeforeHead(ring, s, x);
			ring.i32[K + K_READER] = head;
			if (head < 0) return G_OUT;
			if (x.verbose)
				x.note = `The head is page ${head}: reader page ${readerPageOf(ring, s)} now points to ${nextPage(ring, s, head)} and back to ${prevPage(ring, s, head)}.`;
			return G_SET_HEAD;
		}
	},
	{
		id: 'G_SET_HEAD',
		label: 'reader page next -> HEAD; read overrun',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { s, F } = regs(x, k);
			const overwrite = setReaderHeadFlag(x.ring, s);
			x.ring.f64[F + R_OVERWRITE] = overwrite;
			if (x.verbose)
				x.note = `Reader page ${readerPageOf(x.ring, s)}'s next link carries HEAD: it will be the link into the new head. overrun = ${overwrite}.`;
			return G_REPLACE;
		}
	},
	{
		id: 'G_REPLACE',
		label: 'cmpxchg link into head: (head|HEAD) -> reader page',
		kernel: 'rb_head_page_replace',
		run(x, k) {
			const { s, K } = regs(x, k);
			const head = x.ring.i32[K + K_READER]!;
			if (!replaceHead(x.ring, s, head)) {
				if (x.verbose)
					x.note =
						'The cmpxchg failed: a writer is pushing the head (UPDATE) or moved it. Find the head again.';
				return G_SPIN;
			}
			if (x.verbose)
				x.note = `The link into page ${head} now points to reader page ${readerPageOf(x.ring, s)}: ${readerPageOf(x.ring, s)} is in the ring, ${head} is out.`;
			return G_FIX;
		}
	},
	{
		id: 'G_FIX',
		label: 'new head prev -> reader page; old head is the reader page',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K, F } = regs(x, k);
			const head = ring.i32[K + K_READER]!;
			const lost = takeOldHead(ring, s, head, ring.f64[F + R_OVERWRITE]!);
			if (x.verbose)
				x.note = lost
					? `Page ${head} is the new reader page; ${ring.f64[structF(ring, s) + SF_LOST_EVENTS]} events were lost since the last swap.`
					: `Page ${head} is the new reader page; the head moved to ${ring.i32[structI(ring, s) + S_HEAD_PAGE]}.`;
			return G_AGAIN;
		}
	},
	{
		id: 'G_OUT',
		label: 'set read_stamp, drop cpu_buffer->lock',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { s, K, F } = regs(x, k);
			const r = x.ring.i32[K + K_READER]!;
			unlockCpuBuffer(x.ring, s, r);
			x.ring.f64[F + R_WAIT] = 0;
			if (x.verbose) x.note = r >= 0 ? `Reading from page ${r}.` : 'No page to read.';
			return G_WAIT;
		}
	},
	{
		id: 'G_WAIT',
		label: 'wait while a writer is still moving off the page',
		kernel: 'rb_get_reader_page',
		run(x, k) {
			const { ring } = x;
			const { s, K, F } = regs(x, k);
			const r = ring.i32[K + K_READER]!;
			if (r >= 0 && writerOnPage(ring, s, r)) {
				if (waitedTooLong(++ring.f64[F + R_WAIT]!, x)) ring.i32[K + K_READER] = -1;
				else {
					if (x.verbose)
						x.note =
							'A writer reserved past the end of this page and is still moving the tail: wait.';
					return G_WAIT;
				}
			}
			if (x.verbose) x.note = 'The page is settled.';
			return ring.i32[K + K_GRP_RET]!;
		}
	}
];
