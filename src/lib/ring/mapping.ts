/**
 * User space maps a per-CPU buffer (Linux 6.10+): tracing_buffers_mmap -> ring_buffer_map ->
 * __rb_map_vma, and ring_buffer_unmap. The first mapping allocates the meta page and gives every
 * sub-buffer an ID (reader page 0, then ring order from the head); the VMA then holds, page by
 * page, the meta page (pgoff 0) and sub-buffers by ID. Both pgoff layouts are mirrored:
 *   6.10: sub-buffer N at pgoff 1 + N * 2^order; meta_page_size = PAGE_SIZE
 *   6.12: the meta area padded with zero pages to one sub-buffer; sub-buffer N at (N + 1) * 2^order
 * Checks run in the kernel's order and each refusal names its errno.
 */
import { PAGE_SIZE } from './constants';
import { refuse } from './errors';
import {
	D_ID,
	H_FAULT_AFTER,
	H_FAULT_ALLOCS,
	H_HISTORY,
	H_KERNEL,
	HISTORY_PGOFF_WRAPS,
	HISTORY_UNCHECKED_META,
	H_SNAPSHOT_REFS,
	H_TR_MAPPED,
	S_MAPPED,
	S_NR_PAGES,
	S_READER_PAGE,
	S_RESIZE_DISABLED
} from './layout';
import { setupMetaPage } from './meta-page';
import { findHeadPage, nextPage } from './page-ring';
import { descI, metaOff, structI, subbufOff, type Ring } from './ring';

export const UINT_MAX = 0xffffffff;

/** One page of a VMA: the meta page, a zero page, or system page `sub` of a sub-buffer. */
export type VmaPage =
	{ kind: 'meta' } | { kind: 'zero' } | { kind: 'data'; page: number; id: number; sub: number };

/** A user-space mapping (a VMA), as munmap and user-space reads see it. */
export interface Mapping {
	name: string;
	cpu: number;
	struct: number;
	pgoff: number;
	pages: VmaPage[];
}

export interface MapRequest {
	offset: number;
	length: number;
	prot: 'r' | 'rw' | 'rx';
	flags: 'shared' | 'private';
	open: 'r' | 'rw';
}

export function is612(ring: Ring): boolean {
	return ring.i32[H_KERNEL] === 1;
}

/** An allocation that fault injection may fail (the `fault` op). */
function allocate(ring: Ring): boolean {
	if (ring.i32[H_FAULT_AFTER]! > 0) {
		ring.i32[H_FAULT_AFTER] = ring.i32[H_FAULT_AFTER]! - 1;
		return true;
	}
	if (ring.i32[H_FAULT_ALLOCS]! > 0) {
		ring.i32[H_FAULT_ALLOCS] = ring.i32[H_FAULT_ALLOCS]! - 1;
		return false;
	}
	return true;
}

/** subbuf_ids: ID -> page, from the IDs the pages carry. */
function idTable(ring: Ring, s: number): number[] {
	const n = ring.i32[structI(ring, s) + S_NR_PAGES]!;
	const t: number[] = [];
	for (let p = 0; p <= n; p++) t[ring.i32[descI(ring, s, p) + D_ID]!] = p;
	return t;
}

/**
 * rb_setup_ids_meta_page: reader page ID 0, then from the head page around the ring 1, 2, ...;
 * then the meta page's fixed fields and a first rb_update_meta_page.
 */
function setupIds(ring: Ring, s: number): void {
	const SI = structI(ring, s);
	let id = 0;
	ring.i32[descI(ring, s, ring.i32[SI + S_READER_PAGE]!) + D_ID] = id++;
	const first = findHeadPage(ring, s);
	let p = first;
	do {
		ring.i32[descI(ring, s, p) + D_ID] = id++;
		p = nextPage(ring, s, p);
	} while (p !== first && id <= ring.i32[SI + S_NR_PAGES]!);
	setupMetaPage(ring, s);
}

/** Frees what the first mapping allocated: the ID table and the meta page. */
function freeMapping(ring: Ring, s: number): void {
	const SI = structI(ring, s);
	for (let p = 0; p <= ring.i32[SI + S_NR_PAGES]!; p++) ring.i32[descI(ring, s, p) + D_ID] = -1;
	ring.u8.fill(0, metaOff(ring, s), metaOff(ring, s) + ring.L.metaPageSize);
}

/** __rb_map_vma: checks the VMA and lists its pages. Throws a Refusal. */
function mapVma(
	ring: Ring,
	s: number,
	req: MapRequest,
	warn: (message: string) => void
): VmaPage[] {
	if (req.prot !== 'r' || req.flags !== 'shared')
		refuse(
			'EPERM',
			req.prot === 'rx'
				? 'the buffer cannot be mapped executable'
				: req.flags === 'private'
					? 'the buffer must be mapped MAP_SHARED, not MAP_PRIVATE'
					: 'the buffer cannot be mapped writable'
		);
	const order = ring.L.order;
	const subbufPages = 1 << order;
	let pgoff = req.offset / PAGE_SIZE;
	const nrSubbufs = ring.i32[structI(ring, s) + S_NR_PAGES]! + 1;
	const v612 = is612(ring);
	if (v612 && order && pgoff % subbufPages)
		refuse(
			'EINVAL',
			`pgoff ${pgoff} is not a multiple of the sub-buffer's ${subbufPages} pages (6.12 layout)`
		);
	const total = v612 ? (nrSubbufs + 1) << order : (nrSubbufs << order) + 1;
	const avail = total - pgoff;
	const vmaPages = Math.ceil(req.length / PAGE_SIZE);
	const tooLong = () =>
		refuse(
			'EINVAL',
			`the mapping is ${vmaPages} pages but only ${Math.max(0, avail)} are mappable from pgoff ${pgoff}`
		);
	if (v612 && !(ring.i32[H_HISTORY]! & HISTORY_PGOFF_WRAPS)) {
		// The "6.12" setting runs the bound as Linux 6.13+ checks it (c58a812c8e49, what 6.18
		// does): a pgoff past the end is refused here, before any page is looked at, with no WARN.
		if (pgoff > total || vmaPages === 0 || vmaPages > avail) tooLong();
	}
	// Linux 6.10 to 6.12 (and the history switch "pgoff-bound-wraps" on the 6.12 layout) compute
	// total - pgoff unsigned: past the end it wraps, passes this check, and the WARN_ON_ONCE of the
	// page loop below catches it.
	else if (avail >= 0 && (vmaPages === 0 || vmaPages > avail)) tooLong();
	if (!allocate(ring)) refuse('ENOMEM', 'allocating the page array failed (fault injected)');
	const pages: VmaPage[] = [];
	let id = 0;
	if (pgoff === 0) {
		pages.push({ kind: 'meta' });
		if (v612)
			for (let i = 1; i < subbufPages && pages.length < vmaPages; i++)
				pages.push({ kind: 'zero' });
	} else {
		pgoff -= v612 ? subbufPages : 1;
		if (!v612 && pgoff % subbufPages)
			refuse(
				'EINVAL',
				`pgoff ${pgoff + 1} is not the start of a sub-buffer (1 + N * ${subbufPages})`
			);
		id = pgoff / subbufPages;
	}
	const table = idTable(ring, s);
	while (pages.length < vmaPages) {
		if (id >= nrSubbufs) {
			warn('__rb_map_vma: sub-buffer ID past nr_subbufs (WARN_ON_ONCE)');
			refuse(
				'EINVAL',
				`the mapping reaches past the last sub-buffer (ID ${id} of ${nrSubbufs})`
			);
		}
		for (let sub = 0; sub < subbufPages && pages.length < vmaPages; sub++)
			pages.push({ kind: 'data', page: table[id]!, id, sub });
		id++;
	}
	return pages;
}

/**
 * mmap of per_cpu/cpuN/trace_pipe_raw. Returns the VMA's pages; refusals leave nothing allocated
 * (except what Linux 6.10 itself leaks: see the note on resize_disabled below).
 */
export function mapBuffer(
	ring: Ring,
	s: number,
	req: MapRequest,
	warn: (message: string) => void
): { pages: VmaPage[] } {
	// The checks in the order user space meets them: the syscall (a misaligned offset), do_mmap
	// (a zero length), the VFS (a writable shared mapping of a file opened read-only; a private
	// one passes), then the driver: tracing_buffers_mmap and __rb_map_vma.
	if (req.offset % PAGE_SIZE)
		refuse('EINVAL', `offset ${req.offset} is not a multiple of the page size`);
	if (req.length === 0) refuse('EINVAL', 'mmap of length 0');
	if (req.prot === 'rw' && req.flags === 'shared' && req.open === 'r')
		refuse(
			'EACCES',
			'the file is open read-only: the VFS refuses a writable shared mapping before the buffer sees it'
		);
	// tracing_buffers_mmap -> get_snapshot_map
	if (ring.i32[H_SNAPSHOT_REFS]! > 0)
		refuse('EBUSY', 'a snapshot is armed on this instance: mapping is refused');
	if (ring.i32[H_TR_MAPPED]! >>> 0 === UINT_MAX)
		refuse('EBUSY', 'the instance is mapped UINT_MAX times');
	const SI = structI(ring, s);
	if (ring.i32[SI + S_MAPPED] !== 0) {
		const pages = mapVma(ring, s, req, warn);
		if (ring.i32[SI + S_MAPPED]! >>> 0 === UINT_MAX)
			refuse('EBUSY', 'this CPU buffer is mapped UINT_MAX times');
		ring.i32[SI + S_MAPPED] = ring.i32[SI + S_MAPPED]! + 1;
		ring.i32[H_TR_MAPPED] = ring.i32[H_TR_MAPPED]! + 1;
		return { pages };
	}
	// First mapping: allocate the meta page and the ID table, give IDs, then build the VMA.
	if (!allocate(ring)) {
		if (!(ring.i32[H_HISTORY]! & HISTORY_UNCHECKED_META))
			refuse(
				'ENOMEM',
				'allocating the meta page failed (fault injected): nothing is left allocated'
			);
		// The history switch "unchecked-meta-alloc" (v16 of the series, rb_alloc_meta_page):
		// page_to_virt was applied to the allocation before its NULL test, and page_to_virt(NULL)
		// is not NULL, so the failure goes unseen and the meta page is written through a bogus
		// address. The lab keeps its own meta page and reports the wild pointer as a warning.
		warn(
			'rb_alloc_meta_page: the allocation failed but page_to_virt(NULL) is not NULL: the meta page is a bogus address'
		);
	}
	if (!allocate(ring))
		refuse(
			'ENOMEM',
			'allocating the sub-buffer ID table failed (fault injected): the meta page is freed again'
		);
	ring.i32[SI + S_RESIZE_DISABLED] = ring.i32[SI + S_RESIZE_DISABLED]! + 1;
	setupIds(ring, s);
	try {
		const pages = mapVma(ring, s, req, warn);
		ring.i32[SI + S_MAPPED] = 1;
		ring.i32[H_TR_MAPPED] = ring.i32[H_TR_MAPPED]! + 1;
		return { pages };
	} catch (e) {
		freeMapping(ring, s);
		// Linux 6.10 (v23 as merged) does not drop resize_disabled on this path; later kernels do.
		if (is612(ring)) ring.i32[SI + S_RESIZE_DISABLED] = ring.i32[SI + S_RESIZE_DISABLED]! - 1;
		throw e;
	}
}

/** ring_buffer_unmap: the last unmap frees the IDs and the meta page and re-enables resizing. */
export function unmapBuffer(ring: Ring, s: number): void {
	const SI = structI(ring, s);
	if (ring.i32[SI + S_MAPPED] === 0) refuse('ENODEV', 'this CPU buffer is not mapped');
	ring.i32[H_TR_MAPPED] = ring.i32[H_TR_MAPPED]! - 1;
	if (ring.i32[SI + S_MAPPED] !== 1) {
		ring.i32[SI + S_MAPPED] = ring.i32[SI + S_MAPPED]! - 1;
		return;
	}
	ring.i32[SI + S_MAPPED] = 0;
	freeMapping(ring, s);
	ring.i32[SI + S_RESIZE_DISABLED] = ring.i32[SI + S_RESIZE_DISABLED]! - 1;
}

/** pgoffs a mapping covers. */
export function pgoffsOf(m: Mapping): number[] {
	return m.pages.map((_, i) => m.pgoff + i);
}

/**
 * The bytes user space sees at `offset` of a mapping, zero-copy: a view into the state buffer
 * (or a zero page). `length` must stay within one system page, or one sub-buffer.
 */
export function mappedBytes(
	ring: Ring,
	m: Mapping,
	offset: number,
	length: number
): Uint8Array | null {
	const i = Math.floor(offset / PAGE_SIZE);
	const vp = m.pages[i];
	if (!vp) return null;
	const within = offset % PAGE_SIZE;
	if (vp.kind === 'zero') return new Uint8Array(length);
	if (vp.kind === 'meta')
		return ring.u8.subarray(
			metaOff(ring, m.struct) + within,
			metaOff(ring, m.struct) + within + length
		);
	const start = subbufOff(ring, m.struct, vp.page) + vp.sub * PAGE_SIZE + within;
	return ring.u8.subarray(start, start + length);
}

/** The byte offset of sub-buffer `id` inside mapping m, or -1 when it does not cover all of it. */
export function subbufOffsetIn(ring: Ring, m: Mapping, id: number): number {
	const i = m.pages.findIndex((p) => p.kind === 'data' && p.id === id && p.sub === 0);
	if (i < 0 || i + (1 << ring.L.order) > m.pages.length) return -1;
	return i * PAGE_SIZE;
}
