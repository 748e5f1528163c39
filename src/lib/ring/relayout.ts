/**
 * Moving the state into a buffer of another size: what resize and sub-buffer order changes need,
 * since pages are allocated or freed. Structs, meta pages, the buffer table, the header and the
 * context slots are copied; the pages of each struct are copied through a map from old page numbers
 * to new ones (surviving pages are renumbered densely, new pages come after them).
 */
import {
	DESC_I32,
	D_NEXT,
	D_PREV,
	H_KERNEL,
	H_NR_PAGES,
	H_ORDER,
	H_SUBBUF_SIZE,
	S_COMMIT_PAGE,
	S_DESC_BASE,
	S_HEAD_PAGE,
	S_NR_PAGES,
	S_PAGES,
	S_READER_PAGE,
	S_TAIL_PAGE,
	layoutFor,
	MAX_SLOTS,
	stateBoundProblem
} from './layout';
import { refuse } from './errors';
import { wrapRing, type Ring } from './ring';

/** For each struct: old page -> new page (-1 = freed), and how many pages the struct has after. */
export interface StructPlan {
	map: Int32Array | null; // null: the struct is allocated fresh (or stays empty)
	nrPages: number;
}

const POINTERS = [S_HEAD_PAGE, S_TAIL_PAGE, S_COMMIT_PAGE, S_READER_PAGE, S_PAGES];

/**
 * Refuses (ENOMEM, as the kernel's page allocation would fail) a new layout of `nrPages` per struct
 * at `order` whose state would pass MAX_STATE_BYTES. Changes nothing: callers check first.
 */
export function checkStateBound(
	ring: Ring,
	nrPages: readonly number[],
	order = ring.L.order
): void {
	const kernel = ring.i32[H_KERNEL] === 1 ? '6.12' : '6.10';
	const problem = stateBoundProblem(layoutFor(ring.L.cpus, order, nrPages, kernel));
	if (problem) refuse('ENOMEM', problem);
}

export function relayout(ring: Ring, plans: StructPlan[], order = ring.L.order): Ring {
	const old = ring.L;
	const kernel = ring.i32[H_KERNEL] === 1 ? '6.12' : '6.10';
	const nrPages = plans.map((p) => p.nrPages);
	checkStateBound(ring, nrPages, order);
	const L = layoutFor(old.cpus, order, nrPages, kernel);
	const buf =
		ring.buf instanceof ArrayBuffer
			? new ArrayBuffer(L.totalBytes)
			: new SharedArrayBuffer(L.totalBytes);
	const u8 = new Uint8Array(buf);
	// header, buffer table and structs: same offsets in both layouts
	u8.set(ring.u8.subarray(0, old.descOff));
	const i32 = new Int32Array(buf);
	i32[H_ORDER] = order;
	i32[H_SUBBUF_SIZE] = L.subbufSize;
	for (let s = 0; s < 2 * old.cpus; s++) i32[H_NR_PAGES + s] = plans[s]!.nrPages;
	const next = wrapRing(buf);
	for (let s = 0; s < 2 * old.cpus; s++) {
		const plan = plans[s]!;
		const si = (L.structOff + s * L.structBytes) >> 2;
		i32[si + S_DESC_BASE] = L.descBase[s]!;
		i32[si + S_NR_PAGES] = plan.nrPages;
		if (!plan.map) continue;
		const oldBase = old.descBase[s]!;
		for (let p = 0; p < plan.map.length; p++) {
			const np = plan.map[p]!;
			if (np < 0) continue;
			const from = (old.descOff >> 2) + (oldBase + p) * DESC_I32;
			const to = (L.descOff >> 2) + (L.descBase[s]! + np) * DESC_I32;
			i32.set(ring.i32.subarray(from, from + DESC_I32), to);
			const nw = i32[to + D_NEXT]!;
			i32[to + D_NEXT] = (plan.map[nw >> 2]! << 2) | (nw & 3);
			i32[to + D_PREV] = plan.map[i32[to + D_PREV]!]!;
			const fromData = old.dataOff + (oldBase + p) * old.subbufSize;
			u8.set(
				ring.u8.subarray(fromData, fromData + old.subbufSize),
				L.dataOff + (L.descBase[s]! + np) * L.subbufSize
			);
		}
		for (const f of POINTERS) i32[si + f] = plan.map[i32[si + f]!]!;
	}
	// meta pages and context slots
	for (let s = 0; s < 2 * old.cpus; s++) {
		const n = Math.min(old.metaPageSize, L.metaPageSize);
		u8.set(
			ring.u8.subarray(
				old.metaOff + s * old.metaPageSize,
				old.metaOff + s * old.metaPageSize + n
			),
			L.metaOff + s * L.metaPageSize
		);
	}
	u8.set(ring.u8.subarray(old.slotOff, old.slotOff + MAX_SLOTS * old.slotBytes), L.slotOff);
	return next;
}
