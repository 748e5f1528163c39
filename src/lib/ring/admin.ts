/**
 * Whole-buffer operations that take every lock and run as one step: resize (ring_buffer_resize ->
 * rb_update_pages -> rb_remove_pages / rb_insert_pages), sub-buffer order
 * (ring_buffer_subbuf_order_set), per-CPU reset (ring_buffer_reset_cpu -> rb_reset_cpu) and
 * tracing on/off (ring_buffer_record_on/off). Each returns the ring to use afterwards (resize and
 * order changes move the state into a buffer of another size).
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import { RB_BUFFER_OFF, RB_PAGE_HEAD, RB_WRITE_MASK } from './constants';
import {
	D_ENTRIES,
	D_ID,
	D_NEXT,
	D_READ,
	D_REAL_END,
	D_WRITE,
	H_REC_DISABLED,
	S_BUFFER,
	S_COMMIT_PAGE,
	S_CPU,
	STRUCT_I32,
	S_COMMITS,
	S_COMMITTING,
	S_CNT,
	S_HEAD_PAGE,
	S_MAPPED,
	S_NR_PAGES,
	S_ORDER_LOST,
	S_PAGES,
	S_READER_PAGE,
	S_TAIL_PAGE,
	SF_ENTRIES,
	SF_ENTRIES_BYTES,
	SF_OVERRUN,
	SF_PAGES_LOST,
	SF_READ,
	STRUCT_F64
} from './layout';
import { nextPage, nextWord, prevPage, setNext, setPrev } from './page-ring';
import { checkStateBound, relayout, type StructPlan } from './relayout';
import { updateMetaPage } from './meta-page';
import { descI, initStruct, structF, structI, subbufOff, type Ring } from './ring';
import { readCommitLong, writeCommit } from './subbuf';

/** rb_clear_buffer_page. */
function clearPage(ring: Ring, s: number, p: number): void {
	const d = descI(ring, s, p);
	ring.i32[d + D_WRITE] = 0;
	ring.i32[d + D_ENTRIES] = 0;
	ring.i32[d + D_READ] = 0;
	writeCommit(ring, subbufOff(ring, s, p), 0);
}

/**
 * rb_reset_cpu: every page emptied, the reader page taken out of the ring onto itself, head = tail =
 * commit = the anchor page, every counter and stamp zeroed. Sub-buffer IDs are kept.
 */
export function resetCpu(ring: Ring, s: number): void {
	const { i32, f64 } = ring;
	const SI = structI(ring, s);
	if (i32[SI + S_NR_PAGES] === 0) return;
	const anchor = i32[SI + S_PAGES]!;
	// rb_head_page_deactivate: clear the flags of every link in the ring
	let p = anchor;
	do {
		setNext(ring, s, p, nextPage(ring, s, p), 0);
		p = nextPage(ring, s, p);
	} while (p !== anchor);
	p = anchor;
	do {
		clearPage(ring, s, p);
		p = nextPage(ring, s, p);
	} while (p !== anchor);
	i32[SI + S_HEAD_PAGE] = anchor;
	i32[SI + S_TAIL_PAGE] = anchor;
	i32[SI + S_COMMIT_PAGE] = anchor;
	const rp = i32[SI + S_READER_PAGE]!;
	setNext(ring, s, rp, rp, 0);
	setPrev(ring, s, rp, rp);
	clearPage(ring, s, rp);
	i32[SI + S_COMMITTING] = 0;
	i32[SI + S_COMMITS] = 0;
	i32[SI + S_ORDER_LOST] = 0;
	f64.fill(0, structF(ring, s), structF(ring, s) + STRUCT_F64);
	// rb_head_page_activate
	const prev = prevPage(ring, s, anchor);
	setNext(ring, s, prev, anchor, RB_PAGE_HEAD);
	if (i32[SI + S_MAPPED]) updateMetaPage(ring, s);
}

/** The plan that keeps every struct as it is. */
function keepAll(ring: Ring): StructPlan[] {
	const plans: StructPlan[] = [];
	for (let s = 0; s < 2 * ring.L.cpus; s++) {
		const n = ring.L.nrPages[s]!;
		plans.push({ map: n ? Int32Array.from({ length: n + 1 }, (_, i) => i) : null, nrPages: n });
	}
	return plans;
}

/**
 * rb_remove_pages: unlink `count` pages right after the tail page (after the reader page's next when
 * the tail is on the reader page), keeping a HEAD flag found on the way for the page after them.
 * Events on removed pages count as overrun. Returns the old -> new page map.
 */
function removePages(ring: Ring, s: number, count: number): Int32Array {
	const { i32, f64 } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	let tail = i32[SI + S_TAIL_PAGE]!;
	if (tail === i32[SI + S_READER_PAGE]) tail = nextPage(ring, s, tail);
	let headBit = 0;
	let toRemove = tail;
	const removed: number[] = [];
	for (let i = 0; i < count; i++) {
		headBit |= nextWord(ring, s, toRemove) & RB_PAGE_HEAD;
		toRemove = nextPage(ring, s, toRemove);
		removed.push(toRemove);
	}
	const nw = nextWord(ring, s, toRemove);
	i32[descI(ring, s, tail) + D_NEXT] = nw | headBit;
	const nextP = nw >> 2;
	setPrev(ring, s, nextP, tail);
	i32[SI + S_PAGES] = nextP;
	i32[SI + S_CNT]!++;
	if (headBit) i32[SI + S_HEAD_PAGE] = nextP;
	for (const p of removed) {
		const entries = i32[descI(ring, s, p) + D_ENTRIES]! & RB_WRITE_MASK;
		if (entries) {
			f64[SF + SF_OVERRUN] = f64[SF + SF_OVERRUN]! + entries;
			f64[SF + SF_ENTRIES_BYTES] =
				f64[SF + SF_ENTRIES_BYTES]! - readCommitLong(ring, subbufOff(ring, s, p));
			f64[SF + SF_PAGES_LOST]!++;
		}
	}
	const n = i32[SI + S_NR_PAGES]!;
	const map = new Int32Array(n + 1).fill(-1);
	let next = 0;
	for (let p = 0; p <= n; p++) if (!removed.includes(p)) map[p] = next++;
	return map;
}

/**
 * rb_insert_pages: splice `count` new empty pages in front of the head page (between the head's
 * previous page and the head), the link into the first new page taking over the HEAD flag's place.
 * Works on the already re-laid-out ring, where pages n+1 .. n+count exist and are empty.
 */
function insertPages(ring: Ring, s: number, oldN: number, count: number): void {
	const { i32 } = ring;
	const SI = structI(ring, s);
	// find the head the way rb_insert_pages does (rb_set_head_page)
	let head = i32[SI + S_HEAD_PAGE]!;
	for (let i = 0; i <= oldN; i++) {
		if ((nextWord(ring, s, prevPage(ring, s, head)) & 3) === RB_PAGE_HEAD) break;
		head = nextPage(ring, s, head);
	}
	const prev = prevPage(ring, s, head);
	const first = oldN + 1;
	const last = oldN + count;
	for (let p = first; p <= last; p++) {
		i32[descI(ring, s, p) + D_NEXT] = (p === last ? head : p + 1) << 2;
		setPrev(ring, s, p, p === first ? prev : p - 1);
		i32[descI(ring, s, p) + D_REAL_END] = 0;
		i32[descI(ring, s, p) + D_ID] = -1;
	}
	i32[descI(ring, s, last) + D_NEXT] = (head << 2) | RB_PAGE_HEAD;
	setNext(ring, s, prev, first, 0);
	setPrev(ring, s, head, last);
	i32[SI + S_CNT]!++;
}

/**
 * Resizes the structs of `cpus` to `nrPages` data sub-buffers each (rb_update_pages). The caller has
 * checked the refusals. Returns the new ring.
 */
export function resizeStructs(ring: Ring, structs: number[], nrPages: number): Ring {
	// The bound first: removePages below changes the ring.
	checkStateBound(
		ring,
		ring.L.nrPages.map((n, s) => (structs.includes(s) && n > 0 ? nrPages : n))
	);
	const plans = keepAll(ring);
	const grow: [number, number, number][] = [];
	for (const s of structs) {
		const n = ring.L.nrPages[s]!;
		if (n === 0 || n === nrPages) continue;
		if (nrPages < n) plans[s] = { map: removePages(ring, s, n - nrPages), nrPages };
		else {
			plans[s] = { map: Int32Array.from({ length: n + 1 }, (_, i) => i), nrPages };
			grow.push([s, n, nrPages - n]);
		}
	}
	const next = relayout(ring, plans);
	for (const [s, n, count] of grow) insertPages(next, s, n, count);
	return next;
}

/**
 * ring_buffer_subbuf_order_set: every allocated struct gets fresh pages, ceil(old capacity *
 * nr_pages / new capacity) sub-buffers (at least 2); the data are lost. The counters and stamps
 * are kept, as the kernel keeps them (it swaps the page lists of the same per-CPU buffer and never
 * calls rb_reset_cpu): on Linux 6.18 per_cpu/cpuN/stats still shows the events that were unread
 * as "entries" and their bytes afterwards. The engine records that number in S_ORDER_LOST so its
 * accounting invariant knows those events are gone. Found by `ringlab kernel diff`.
 * Kernel: ring_buffer_subbuf_order_set.
 */
export function setSubbufOrder(ring: Ring, order: number): Ring {
	const oldCap = ring.L.capacity;
	const newCap = (4096 << order) - 16;
	const kept: Float64Array[] = [];
	for (let s = 0; s < 2 * ring.L.cpus; s++) {
		const F = structF(ring, s);
		kept.push(ring.f64.slice(F, F + STRUCT_F64));
	}
	const plans = keepAll(ring).map((p) => ({
		map: null,
		nrPages: p.nrPages ? Math.max(2, Math.ceil((oldCap * p.nrPages) / newCap)) : 0
	}));
	const next = relayout(ring, plans, order);
	for (let b = 0; b < 2; b++)
		for (let c = 0; c < next.L.cpus; c++) {
			const s = b * next.L.cpus + c;
			const SI = structI(next, s);
			const buffer = next.i32[SI + S_BUFFER]!; // it names the owning buffer
			next.f64.fill(0, structF(next, s), structF(next, s) + STRUCT_F64);
			next.i32.fill(0, SI, SI + STRUCT_I32);
			initStruct(next, s, buffer, c);
			if (!next.L.nrPages[s]) continue;
			const F = structF(next, s);
			next.f64.set(kept[s]!, F);
			const unread = kept[s]![SF_ENTRIES]! - kept[s]![SF_OVERRUN]! - kept[s]![SF_READ]!;
			next.i32[SI + S_ORDER_LOST] = unread;
		}
	return next;
}

/** ring_buffer_record_off / _on on the live buffer (tracing_on). */
export function setTracing(ring: Ring, on: boolean, buffer = 0): void {
	const i = H_REC_DISABLED + buffer;
	ring.i32[i] = on ? ring.i32[i]! & ~RB_BUFFER_OFF : ring.i32[i]! | RB_BUFFER_OFF;
}

/** Replaces `structs` with freshly allocated ones of `sizes` pages (rb_allocate_cpu_buffer). */
export function allocateStructs(ring: Ring, structs: number[], sizes: number[]): Ring {
	const plans = keepAll(ring);
	const owners = structs.map((s) => [
		ring.i32[structI(ring, s) + S_BUFFER]!,
		ring.i32[structI(ring, s) + S_CPU]!
	]);
	structs.forEach((s, i) => (plans[s] = { map: null, nrPages: sizes[i]! }));
	const next = relayout(ring, plans);
	structs.forEach((s, i) => {
		const SI = structI(next, s);
		next.f64.fill(0, structF(next, s), structF(next, s) + STRUCT_F64);
		next.i32.fill(0, SI, SI + STRUCT_I32);
		initStruct(next, s, owners[i]![0]!, owners[i]![1]!);
	});
	return next;
}
