/**
 * The circular page list of one per-CPU struct and the flags carried in its links.
 * Kernel: rb_list_head, rb_inc_page, rb_is_head_page, rb_is_reader_page, rb_head_page_set,
 * rb_set_list_to_head, rb_set_head_page, rb_head_page_replace (kernel/trace/ring_buffer.c).
 *
 * The ring is consistent only through `next` links: `prev` links may be stale for a moment (the
 * design doc's T/R/N diagram), so every walk follows `next`.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import { cmpxchg, load } from './atomics';
import { RB_FLAG_MASK, RB_PAGE_HEAD, RB_PAGE_MOVED, RB_PAGE_UPDATE } from './constants';
import { D_NEXT, D_PREV, S_HEAD_PAGE, S_NR_PAGES, S_PAGES, S_READER_PAGE } from './layout';
import { descI, structI, type Ring } from './ring';

/** The raw next word of `page`: (next page << 2) | flags. */
export function nextWord(ring: Ring, s: number, page: number): number {
	return load(ring.i32, descI(ring, s, page) + D_NEXT);
}
/** rb_list_head(page->list.next): the next page with the flags stripped. */
export function nextPage(ring: Ring, s: number, page: number): number {
	return nextWord(ring, s, page) >> 2;
}
export function linkFlags(ring: Ring, s: number, page: number): number {
	return nextWord(ring, s, page) & RB_FLAG_MASK;
}
export function prevPage(ring: Ring, s: number, page: number): number {
	return ring.i32[descI(ring, s, page) + D_PREV]!;
}
export function setNext(ring: Ring, s: number, page: number, next: number, flags: number): void {
	ring.i32[descI(ring, s, page) + D_NEXT] = (next << 2) | flags;
}
export function setPrev(ring: Ring, s: number, page: number, prev: number): void {
	ring.i32[descI(ring, s, page) + D_PREV] = prev;
}

/**
 * rb_is_head_page(page, list): looks at `prevPage`'s next link. MOVED when it no longer points at
 * `page`, else its flags (NORMAL, HEAD or UPDATE).
 */
export function isHeadPage(ring: Ring, s: number, page: number, prev: number): number {
	const val = nextWord(ring, s, prev);
	if (val >> 2 !== page) return RB_PAGE_MOVED;
	return val & RB_FLAG_MASK;
}

/** rb_is_reader_page: nothing in the ring points back at the reader page. */
export function isReaderPage(ring: Ring, s: number, page: number): boolean {
	return nextPage(ring, s, prevPage(ring, s, page)) !== page;
}

/**
 * rb_head_page_set: cmpxchg `prev`'s next link from (addr | oldFlag) to (addr | newFlag), where addr
 * is whatever the link points at now. Returns the flag found, or MOVED if the address changed.
 */
export function headPageSet(
	ring: Ring,
	s: number,
	prev: number,
	oldFlag: number,
	newFlag: number
): number {
	const idx = descI(ring, s, prev) + D_NEXT;
	const val = load(ring.i32, idx) & ~RB_FLAG_MASK;
	const ret = cmpxchg(ring.i32, idx, val | oldFlag, val | newFlag);
	if ((ret & ~RB_FLAG_MASK) !== val) return RB_PAGE_MOVED;
	return ret & RB_FLAG_MASK;
}

/** rb_set_list_to_head: set HEAD (and clear UPDATE) on `page`'s own next link. */
export function setListToHead(ring: Ring, s: number, page: number): void {
	const idx = descI(ring, s, page) + D_NEXT;
	ring.i32[idx] = (ring.i32[idx]! | RB_PAGE_HEAD) & ~RB_PAGE_UPDATE;
}

/**
 * rb_set_head_page: find the page whose previous page's link flags it (HEAD, or UPDATE while a
 * writer pushes it, or MOVED when prev is stale), starting from the cached head, up to three laps.
 * Updates the cached head. Returns -1 (and the caller warns) if none is found.
 */
export function findHeadPage(ring: Ring, s: number): number {
	const si = structI(ring, s);
	const head = ring.i32[si + S_HEAD_PAGE]!;
	let page = head;
	const laps = 3 * (ring.i32[si + S_NR_PAGES]! + 1);
	for (let i = 0; i < laps; i++) {
		if (isHeadPage(ring, s, page, prevPage(ring, s, page)) !== 0) {
			// (the same bytes either way; not storing an unchanged value keeps the cache line
			// shared with writer threads clean)
			if (ring.i32[si + S_HEAD_PAGE] !== page) ring.i32[si + S_HEAD_PAGE] = page;
			return page;
		}
		page = nextPage(ring, s, page);
	}
	return -1;
}

/**
 * rb_head_page_replace: cmpxchg the link into `old` (the head) from (addr | HEAD) to `replacement`
 * with no flag. Fails when a writer turned it to UPDATE or the head already moved.
 */
export function headPageReplace(ring: Ring, s: number, old: number, replacement: number): boolean {
	const idx = descI(ring, s, prevPage(ring, s, old)) + D_NEXT;
	const val = (load(ring.i32, idx) & ~RB_FLAG_MASK) | RB_PAGE_HEAD;
	return cmpxchg(ring.i32, idx, val, replacement << 2) === val;
}

/** Pages of the ring in next order, starting at the anchor (cpu_buffer->pages). */
export function ringOrder(ring: Ring, s: number, from?: number): number[] {
	const si = structI(ring, s);
	const n = ring.i32[si + S_NR_PAGES]!;
	const start = from ?? ring.i32[si + S_PAGES]!;
	const out: number[] = [];
	let p = start;
	for (let i = 0; i < n + 1; i++) {
		out.push(p);
		p = nextPage(ring, s, p);
		if (p === start) return out;
	}
	return out; // not closed within n + 1 steps: invariants report it
}

/** The reader page of struct s. */
export function readerPage(ring: Ring, s: number): number {
	return ring.i32[structI(ring, s) + S_READER_PAGE]!;
}

/**
 * The head page as rb_set_head_page finds it, without storing the cached pointer: from
 * cpu_buffer->head_page forward, the first page whose previous page's link carries a flag (HEAD,
 * or UPDATE while a writer pushes it: rb_is_head_page returns either). This is what a reader
 * swapping at this moment would take for the head, so it is what the drawing marks. Unlike the
 * kernel's loop, a link that no longer points at the page (RB_PAGE_MOVED) does not count: that
 * page is the reader page, never the head. -1 if no link carries a flag.
 */
export function headPageAsReaderFinds(ring: Ring, s: number): number {
	const si = structI(ring, s);
	const n = ring.i32[si + S_NR_PAGES]!;
	let page = ring.i32[si + S_HEAD_PAGE]!;
	for (let i = 0; i <= n; i++) {
		const flag = isHeadPage(ring, s, page, prevPage(ring, s, page));
		if (flag === RB_PAGE_HEAD || flag === RB_PAGE_UPDATE) return page;
		page = nextPage(ring, s, page);
	}
	return -1;
}

/**
 * The head page as the truth has it (the page whose previous page's link carries HEAD), without
 * updating the cached pointer: for describing and checking state. -1 if no link carries HEAD.
 */
export function findHeadPageQuiet(ring: Ring, s: number): number {
	const si = structI(ring, s);
	const anchor = ring.i32[si + S_PAGES]!;
	const n = ring.i32[si + S_NR_PAGES]!;
	let p = anchor;
	for (let i = 0; i <= n; i++) {
		if (linkFlags(ring, s, p) === RB_PAGE_HEAD) return nextPage(ring, s, p);
		p = nextPage(ring, s, p);
	}
	return -1;
}
