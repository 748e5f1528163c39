/**
 * One sub-buffer's header, struct buffer_data_page: `time_stamp` (u64 at 0) and `commit` (a long at
 * 8, 64-bit). The commit word's bits 31 and 30 are RB_MISSED_EVENTS and RB_MISSED_STORED; the
 * kernel adds them as 32-bit ints to a long, so a page with missed events reads sign-extended
 * (e.g. 0xffffffffc0000fc0), as seen on the live kernel (kernel.md §11). We store exactly that.
 */
import { RB_MISSED_MASK } from './constants';
import { load, store } from './atomics';
import type { Ring } from './ring';

export function readTimeStamp(ring: Ring, off: number): number {
	const i = off >> 2;
	return (ring.i32[i]! >>> 0) + (ring.i32[i + 1]! >>> 0) * 2 ** 32;
}

export function writeTimeStamp(ring: Ring, off: number, ts: number): void {
	const i = off >> 2;
	ring.i32[i] = (ts % 2 ** 32) | 0;
	ring.i32[i + 1] = Math.floor(ts / 2 ** 32) | 0;
}

/**
 * The low 32 bits of the commit word (size plus flag bits), as an unsigned number. An atomic load:
 * a reader on another thread then sees every byte the writer stored before publishing it.
 */
export function readCommit(ring: Ring, off: number): number {
	return load(ring.i32, (off + 8) >> 2) >>> 0;
}

/** local_set(&page->commit, v) for v < 2^31, or with flag bits (then sign-extended). */
export function writeCommit(ring: Ring, off: number, v: number): void {
	const i = (off + 8) >> 2;
	ring.i32[i + 1] = v & 0x80000000 ? -1 : 0;
	store(ring.i32, i, v); // publish: the data written before it is visible to readers
}

/** rb_page_commit as the kernel's signed long: negative when bit 31 is set. */
export function readCommitLong(ring: Ring, off: number): number {
	return (ring.i32[(off + 8) >> 2]! >>> 0) + ring.i32[(off + 12) >> 2]! * 2 ** 32;
}

/** rb_page_size: committed bytes with the missed-events flags masked out. */
export function commitSize(ring: Ring, off: number): number {
	return (readCommit(ring, off) & ~RB_MISSED_MASK) >>> 0;
}
