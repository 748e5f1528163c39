/**
 * A `Ring` is the engine state: one buffer and typed views over it, plus the layout read from its
 * header. Every engine module is a set of functions over a Ring. This file creates a ring from a
 * config (the kernel's ring_buffer_alloc / rb_allocate_cpu_buffer / rb_head_page_activate) and
 * gives the address arithmetic for structs, page descriptors, sub-buffers and context slots.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import { stateLayout, type RingConfig } from './config';
import { RB_PAGE_HEAD } from './constants';
import {
	D_ID,
	D_NEXT,
	D_PREV,
	DESC_I32,
	FL_OVERWRITE,
	H_CPUS,
	H_FLAGS,
	H_HISTORY,
	H_KERNEL,
	H_MAGIC,
	H_NR_PAGES,
	H_ORDER,
	H_RNG,
	H_SNAPSHOT_ALLOCATED,
	H_SUBBUF_SIZE,
	H_VERSION,
	HDR_I32,
	HF_CLOCK_NOW,
	HF_CLOCK_START,
	HF_CLOCK_STEP,
	HISTORY_FLUSH_UNLOCKED,
	HISTORY_META_NO_READ,
	HISTORY_PGOFF_WRAPS,
	HISTORY_SWAP_REMOTE,
	HISTORY_UNCHECKED_META,
	LAYOUT_VERSION,
	MAGIC,
	S_BUFFER,
	S_COMMIT_PAGE,
	S_CPU,
	S_DESC_BASE,
	S_HEAD_PAGE,
	S_NR_PAGES,
	S_PAGES,
	S_READER_PAGE,
	S_TAIL_PAGE,
	STRUCT_I32,
	layoutOf,
	type Layout
} from './layout';

export interface Ring {
	buf: ArrayBuffer | SharedArrayBuffer;
	L: Layout;
	i32: Int32Array;
	f64: Float64Array;
	u8: Uint8Array;
	dv: DataView;
}

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
	throw new Error('ringlab needs a little-endian host to lay out kernel structures byte-exactly');
}

/** Wraps an existing state buffer (from a Worker, a snapshot, or a re-layout). */
export function wrapRing(buf: ArrayBuffer | SharedArrayBuffer): Ring {
	return {
		buf,
		L: layoutOf(buf),
		i32: new Int32Array(buf),
		f64: new Float64Array(buf),
		u8: new Uint8Array(buf),
		dv: new DataView(buf)
	};
}

/** Allocates a state buffer for a layout and writes the header; nothing else is initialised. */
export function allocateState(
	L: Layout,
	config: Pick<RingConfig, 'kernel' | 'overwrite'>,
	shared: boolean
): Ring {
	const buf = shared ? new SharedArrayBuffer(L.totalBytes) : new ArrayBuffer(L.totalBytes);
	const i32 = new Int32Array(buf);
	i32[H_MAGIC] = MAGIC;
	i32[H_VERSION] = LAYOUT_VERSION;
	i32[H_KERNEL] = config.kernel === '6.12' ? 1 : 0;
	i32[H_CPUS] = L.cpus;
	i32[H_ORDER] = L.order;
	i32[H_SUBBUF_SIZE] = L.subbufSize;
	i32[H_FLAGS] = config.overwrite ? FL_OVERWRITE : 0;
	for (let s = 0; s < 2 * L.cpus; s++) i32[H_NR_PAGES + s] = L.nrPages[s] ?? 0;
	return wrapRing(buf);
}

/** Creates the state of a freshly allocated buffer (and snapshot buffer when configured). */
export function createRing(config: RingConfig, shared = false): Ring {
	const L = stateLayout(config);
	const ring = allocateState(L, config, shared);
	const { i32, f64 } = ring;
	i32[H_SNAPSHOT_ALLOCATED] = config.snapshot ? 1 : 0;
	i32[H_HISTORY] =
		(config.history.includes('swap-from-remote-cpu') ? HISTORY_SWAP_REMOTE : 0) |
		(config.history.includes('pgoff-bound-wraps') ? HISTORY_PGOFF_WRAPS : 0) |
		(config.history.includes('unchecked-meta-alloc') ? HISTORY_UNCHECKED_META : 0) |
		(config.history.includes('flush-outside-reader-lock') ? HISTORY_FLUSH_UNLOCKED : 0) |
		(config.history.includes('meta-without-reader-read') ? HISTORY_META_NO_READ : 0);
	i32[H_RNG] = config.seed | 0 || 0x9e3779b9;
	const hf = HDR_I32 / 2;
	f64[hf + HF_CLOCK_NOW] = config.clock.startNs;
	f64[hf + HF_CLOCK_START] = config.clock.startNs;
	f64[hf + HF_CLOCK_STEP] = config.clock.stepNs;
	for (let b = 0; b < 2; b++)
		for (let c = 0; c < config.cpus; c++) {
			const s = b * config.cpus + c;
			i32[bufferTableIndex(ring, b, c)] = s;
			initStruct(ring, s, b, c);
		}
	return ring;
}

/** rb_allocate_cpu_buffer + rb_head_page_activate: page 0 is the reader page, 1..n the ring. */
export function initStruct(ring: Ring, s: number, buffer: number, cpu: number): void {
	const { i32, L } = ring;
	const n = L.nrPages[s] ?? 0;
	const si = structI(ring, s);
	i32[si + S_BUFFER] = buffer;
	i32[si + S_CPU] = cpu;
	i32[si + S_NR_PAGES] = n;
	i32[si + S_DESC_BASE] = L.descBase[s] ?? 0;
	if (n === 0) return;
	for (let p = 0; p <= n; p++) {
		const d = descI(ring, s, p);
		i32[d + D_ID] = -1;
		if (p === 0) {
			i32[d + D_NEXT] = 0; // the reader page's list points to itself
			i32[d + D_PREV] = 0;
		} else {
			i32[d + D_NEXT] = (p === n ? 1 : p + 1) << 2;
			i32[d + D_PREV] = p === 1 ? n : p - 1;
		}
	}
	i32[si + S_READER_PAGE] = 0;
	i32[si + S_HEAD_PAGE] = 1;
	i32[si + S_TAIL_PAGE] = 1;
	i32[si + S_COMMIT_PAGE] = 1;
	i32[si + S_PAGES] = 1;
	// rb_head_page_activate: the link into the head page carries the HEAD flag.
	i32[descI(ring, s, n) + D_NEXT] = (1 << 2) | RB_PAGE_HEAD;
}

// ---- address arithmetic ---------------------------------------------------------------------
export function bufferTableIndex(ring: Ring, buffer: number, cpu: number): number {
	return (ring.L.bufferTableOff >> 2) + buffer * 8 + cpu;
}
/** buffer->buffers[cpu]: the struct that buffer `buffer` uses for `cpu`. */
export function structOf(ring: Ring, buffer: number, cpu: number): number {
	return ring.i32[bufferTableIndex(ring, buffer, cpu)]!;
}
/** int32 index of struct s. */
export function structI(ring: Ring, s: number): number {
	return (ring.L.structOff + s * ring.L.structBytes) >> 2;
}
/** float64 index of struct s's counters. */
export function structF(ring: Ring, s: number): number {
	return (ring.L.structOff + s * ring.L.structBytes + STRUCT_I32 * 4) >> 3;
}
/** Global page-descriptor number of page `page` of struct s. */
export function descNo(ring: Ring, s: number, page: number): number {
	return ring.i32[structI(ring, s) + S_DESC_BASE]! + page;
}
/** int32 index of the descriptor of page `page` of struct s. */
export function descI(ring: Ring, s: number, page: number): number {
	return (ring.L.descOff >> 2) + descNo(ring, s, page) * DESC_I32;
}
/** Byte offset of the sub-buffer (struct buffer_data_page) of page `page` of struct s. */
export function subbufOff(ring: Ring, s: number, page: number): number {
	return ring.L.dataOff + descNo(ring, s, page) * ring.L.subbufSize;
}
/** Byte offset of struct s's meta page. */
export function metaOff(ring: Ring, s: number): number {
	return ring.L.metaOff + s * ring.L.metaPageSize;
}
export function headerF(): number {
	return HDR_I32 / 2;
}
