/**
 * The whole engine state lives in one ArrayBuffer (or SharedArrayBuffer): this file describes its
 * layout once, beside `layoutFor`, the one function that sizes it. Every other module reads and
 * writes through the typed views of a `Ring`; a snapshot for time travel is a copy of the bytes,
 * and a Worker can hand the same bytes to the page zero-copy.
 *
 *   offset 0        header         HDR_I32 int32 words, then HDR_F64 float64 words
 *   bufferTable     buffers[2][8]  int32: which per-CPU struct buffer b uses for CPU c
 *                                  (the kernel's buffer->buffers[cpu]; swapped by a snapshot)
 *   structs         2*cpus structs STRUCT_I32 int32 words + STRUCT_F64 float64 words each
 *                                  (the kernel's struct ring_buffer_per_cpu)
 *   descs           page descs     DESC_I32 int32 words each (the kernel's struct buffer_page)
 *   data            sub-buffers    subbufSize bytes per page desc (struct buffer_data_page)
 *   meta            meta pages     metaPageSize bytes per struct (struct trace_buffer_meta)
 *   slots           contexts       SLOT_I32 int32 + SLOT_F64 float64 words per context slot
 *
 * Page pointers (head, tail, commit, reader, list next/prev) hold page numbers local to their
 * struct (0 .. nr_pages): the struct's pages are descs descBase .. descBase + nr_pages. A list
 * "next" word stores (page << 2) | flags, the two low bits being RB_PAGE_HEAD / RB_PAGE_UPDATE, as
 * the kernel stores them in the low bits of list.next.
 *
 * Multi-byte values are little-endian (the x86-64 layout the kernel exports); the engine refuses to
 * start on a big-endian host rather than produce the wrong bytes.
 * Kernel structures mirrored: struct ring_buffer_per_cpu, struct buffer_page, struct buffer_data_page,
 * struct trace_buffer_meta (checked against 6.10 - 6.18, kernel.md §1-2).
 */
import { BUF_PAGE_HDR_SIZE, PAGE_SIZE } from './constants';

// ---- header, int32 words -------------------------------------------------------------------
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_KERNEL = 2; // 0 = 6.10, 1 = 6.12
export const H_CPUS = 3;
export const H_ORDER = 4;
export const H_SUBBUF_SIZE = 5;
export const H_FLAGS = 6; // bit 0: RB_FL_OVERWRITE
export const H_REC_DISABLED = 7; // buffer->record_disabled, two words (buffer 0 and 1)
export const H_SNAPSHOT_ALLOCATED = 9;
export const H_FAULT_ALLOCS = 10;
export const H_HISTORY = 11; // one bit per history switch (HISTORY_*)
export const H_FAULT_AFTER = 41; // allocations that succeed before the injected failures
export const H_RNG = 12;
export const H_SNAPSHOT_REFS = 15; // tr->snapshot
export const H_TR_MAPPED = 16; // tr->mapped
export const H_NR_PAGES = 17; // 16 words: nr_pages of each struct (2 * MAX_CPUS)
export const H_SEQ = 33; // 8 words: per-CPU sequence number of the next generated payload
export const HDR_I32 = 48;
// ---- header, float64 words (index into f64 view, from the header's f64 part) ----------------
export const HF_CLOCK_NOW = 0;
export const HF_CLOCK_STEP = 1;
export const HF_CLOCK_START = 2;
export const HDR_F64 = 8;

export const MAGIC = 0x42414c52; // "RLAB"
export const LAYOUT_VERSION = 1;
export const FL_OVERWRITE = 1;
export const HISTORY_SWAP_REMOTE = 1; // swap-from-remote-cpu
export const HISTORY_PGOFF_WRAPS = 2; // pgoff-bound-wraps
export const HISTORY_UNCHECKED_META = 4; // unchecked-meta-alloc
export const HISTORY_FLUSH_UNLOCKED = 8; // flush-outside-reader-lock
export const HISTORY_META_NO_READ = 16; // meta-without-reader-read

// ---- per-CPU struct, int32 words -------------------------------------------------------------
export const S_HEAD_PAGE = 0;
export const S_TAIL_PAGE = 1;
export const S_COMMIT_PAGE = 2;
export const S_READER_PAGE = 3;
export const S_PAGES = 4; // cpu_buffer->pages: an anchor page inside the ring
export const S_NR_PAGES = 5;
export const S_COMMITTING = 6;
export const S_COMMITS = 7;
export const S_RECORD_DISABLED = 8;
export const S_BUFFER = 9; // back pointer: the buffer (0 live, 1 snapshot) this struct belongs to
export const S_CPU = 10;
export const S_MAPPED = 11; // user mappings (user_mapped)
export const S_RESIZE_DISABLED = 12;
export const S_CNT = 13; // list generation, bumped by every swap and resize
export const S_READER_LOCK = 14; // context slot + 1 holding reader_lock, 0 when free
export const S_RECURSION = 15; // trace_recursive_lock bits: 1 task, 2 irq, 4 nmi
/**
 * ringlab's own: unread events a sub-buffer order change threw away without counting them. The
 * kernel keeps every counter across ring_buffer_subbuf_order_set while it replaces the pages, so
 * entries - (overrun + read) stays above the events really left (seen on Linux 6.18).
 */
export const S_ORDER_LOST = 16;
export const S_READER_BUSY = 19; // rb_get_reader_page holding cpu_buffer->lock (arch spinlock)
export const S_DESC_BASE = 20;
export const STRUCT_I32 = 24;
// ---- per-CPU struct, float64 words (the kernel's counters and stamps) --------------------------
export const SF_ENTRIES = 0;
export const SF_OVERRUN = 1;
export const SF_COMMIT_OVERRUN = 2;
export const SF_DROPPED_EVENTS = 3;
export const SF_PAGES_TOUCHED = 4;
export const SF_PAGES_LOST = 5;
export const SF_PAGES_READ = 6;
export const SF_READ = 7;
export const SF_READ_BYTES = 8;
export const SF_ENTRIES_BYTES = 9;
export const SF_LOST_EVENTS = 10;
export const SF_LAST_OVERRUN = 11;
export const SF_BEFORE_STAMP = 12;
export const SF_WRITE_STAMP = 13;
export const SF_READ_STAMP = 14;
export const SF_EVENT_STAMP = 15; // five words, one per nesting level (MAX_NEST)
export const STRUCT_F64 = 20;

/** Counters reported by their kernel names, in the order of per_cpu/cpuN/stats where they appear. */
export const COUNTERS = [
	['entries', SF_ENTRIES],
	['overrun', SF_OVERRUN],
	['commit_overrun', SF_COMMIT_OVERRUN],
	['dropped_events', SF_DROPPED_EVENTS],
	['read', SF_READ],
	['read_bytes', SF_READ_BYTES],
	['entries_bytes', SF_ENTRIES_BYTES],
	['pages_touched', SF_PAGES_TOUCHED],
	['pages_lost', SF_PAGES_LOST],
	['pages_read', SF_PAGES_READ],
	['lost_events', SF_LOST_EVENTS],
	['last_overrun', SF_LAST_OVERRUN]
] as const;
export type CounterName = (typeof COUNTERS)[number][0];

// ---- page descriptor (struct buffer_page), int32 words ---------------------------------------
export const D_NEXT = 0; // (page << 2) | flags
export const D_PREV = 1; // page (no flags)
export const D_WRITE = 2; // index (20 bits) + update counter above
export const D_READ = 3;
export const D_ENTRIES = 4; // count (20 bits) + update counter above
export const D_REAL_END = 5;
export const D_ID = 6; // sub-buffer ID for user mapping, -1 when unmapped
export const DESC_I32 = 8;

// ---- context slot ------------------------------------------------------------------------------
export const SLOT_I32 = 16;
export const SLOT_F64 = 40;
export const MAX_SLOTS = 16;

export interface Layout {
	readonly cpus: number;
	readonly order: number;
	/** Bytes of one sub-buffer, header included (PAGE_SIZE << order). */
	readonly subbufSize: number;
	/** Data capacity of one sub-buffer (the kernel's buffer->subbuf_size). */
	readonly capacity: number;
	readonly metaPageSize: number;
	readonly nrPages: readonly number[];
	readonly descBase: readonly number[];
	readonly totalDescs: number;
	readonly bufferTableOff: number;
	readonly structOff: number;
	readonly structBytes: number;
	readonly descOff: number;
	readonly dataOff: number;
	readonly metaOff: number;
	readonly slotOff: number;
	readonly slotBytes: number;
	readonly totalBytes: number;
}

const align = (n: number, a: number) => Math.ceil(n / a) * a;

/**
 * Sizes the state for `cpus` CPUs, sub-buffer order `order` and the page count of every struct
 * (2 * cpus entries: live buffer then snapshot buffer; 0 pages = that struct is not allocated).
 */
export function layoutFor(
	cpus: number,
	order: number,
	nrPages: readonly number[],
	kernel: '6.10' | '6.12'
): Layout {
	const subbufSize = PAGE_SIZE << order;
	const metaPageSize = kernel === '6.12' ? subbufSize : PAGE_SIZE;
	const descBase: number[] = [];
	let totalDescs = 0;
	for (let s = 0; s < 2 * cpus; s++) {
		descBase.push(totalDescs);
		const n = nrPages[s] ?? 0;
		totalDescs += n > 0 ? n + 1 : 0;
	}
	const headerBytes = HDR_I32 * 4 + HDR_F64 * 8;
	const bufferTableOff = headerBytes;
	const structOff = align(bufferTableOff + 2 * 8 * 4, 64);
	const structBytes = align(STRUCT_I32 * 4 + STRUCT_F64 * 8, 64);
	const descOff = structOff + 2 * cpus * structBytes;
	const dataOff = align(descOff + totalDescs * DESC_I32 * 4, PAGE_SIZE);
	const metaOff = dataOff + totalDescs * subbufSize;
	const slotOff = metaOff + 2 * cpus * metaPageSize;
	const slotBytes = align(SLOT_I32 * 4 + SLOT_F64 * 8, 64);
	const totalBytes = slotOff + MAX_SLOTS * slotBytes;
	return {
		cpus,
		order,
		subbufSize,
		capacity: subbufSize - BUF_PAGE_HDR_SIZE,
		metaPageSize,
		nrPages: nrPages.slice(0, 2 * cpus),
		descBase,
		totalDescs,
		bufferTableOff,
		structOff,
		structBytes,
		descOff,
		dataOff,
		metaOff,
		slotOff,
		slotBytes,
		totalBytes
	};
}

/**
 * The most bytes one state buffer may take: every CPU's sub-buffers (live and snapshot, reader pages
 * included), descriptors, meta pages and context slots. 256 MiB: a browser tab holds it (with the
 * copies a checkpoint takes), and typed-array offsets stay far below 2^31. Checked before anything
 * is allocated, for a config and for every resize or order change (stateBoundProblem).
 */
export const MAX_STATE_BYTES = 256 * 1024 * 1024;

const mib = (n: number) => `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

/** Why a layout is over MAX_STATE_BYTES, in plain words naming both sizes, or null when it fits. */
export function stateBoundProblem(L: Layout): string | null {
	if (L.totalBytes <= MAX_STATE_BYTES) return null;
	return (
		`the state would take ${mib(L.totalBytes)} (${L.cpus} CPU${L.cpus > 1 ? 's' : ''}, ` +
		`${L.totalDescs} sub-buffers of ${L.subbufSize / 1024} KiB with the reader pages), ` +
		`more than ringlab's bound of ${mib(MAX_STATE_BYTES)}`
	);
}

/** Reads the layout back from a state buffer's header (what a reader on another thread does). */
export function layoutOf(buf: ArrayBufferLike): Layout {
	const h = new Int32Array(buf, 0, HDR_I32);
	if (h[H_MAGIC] !== MAGIC) throw new Error('not a ringlab state buffer');
	const cpus = h[H_CPUS]!;
	const nr: number[] = [];
	for (let s = 0; s < 2 * cpus; s++) nr.push(h[H_NR_PAGES + s]!);
	return layoutFor(cpus, h[H_ORDER]!, nr, h[H_KERNEL] === 1 ? '6.12' : '6.10');
}
