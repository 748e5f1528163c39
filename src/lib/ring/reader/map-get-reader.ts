/**
 * ring_buffer_map_get_reader, the body of TRACE_MMAP_IOCTL_GET_READER: consume what is left on
 * the reader page (user space is assumed to read it all), or swap in the head page
 * (rb_get_reader_page) and mark the events lost since the last swap in its commit word, then
 * refresh the meta page (rb_update_meta_page). One record per step: GR_CONSUME, GR_SWAPPED,
 * GR_OUT; get-reader.ts runs the same functions back to back.
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import { BUF_PAGE_HDR_SIZE, RB_MISSED_EVENTS, RB_MISSED_STORED } from '../constants';
import { K_READER } from '../context';
import {
	D_READ,
	D_REAL_END,
	H_HISTORY,
	H_KERNEL,
	HISTORY_FLUSH_UNLOCKED,
	S_COMMIT_PAGE,
	S_READER_PAGE,
	SF_LOST_EVENTS
} from '../layout';
import { updateMetaPage } from '../meta-page';
import { findHeadPage } from '../page-ring';
import { descI, structF, structI, subbufOff, type Ring } from '../ring';
import { commitSize, readCommit, writeCommit } from '../subbuf';
import { consumeTo, unreadEntries } from './advance';
import {
	GR_CONSUME,
	GR_OUT,
	RD_DONE,
	GR_SWAPPED,
	RD_UNLOCK,
	step,
	type ReaderStep,
	type Warner
} from './pc';
import { callGetReaderPage } from './swap';

/**
 * rb_per_cpu_empty, as ring_buffer_map_get_reader asks it, and trace_pipe before each event
 * (ring_buffer_empty_cpu, consume.ts).
 * 6.10: page based, empty when the reader page is read to its end and the commit is on the reader
 * page, or on the head page with nothing committed there.
 * Later kernels ("6.12" here): empty when no unread entries are counted (rb_num_of_entries), the
 * test rb_get_reader_page already used (kernel.md §2.10, "later"). The two agree while every event
 * counted is in the buffer; they part after a sub-buffer order change left unread events counted
 * (S_ORDER_LOST): Linux 6.18 then swaps an empty page in and reader.id moves, as here. Found by
 * `ringlab kernel diff`; the release that changed the test is not pinned (seen on 6.18).
 */
export function perCpuEmpty(ring: Ring, s: number): boolean {
	if (ring.i32[H_KERNEL] === 1) return unreadEntries(ring, s) === 0;
	const SI = structI(ring, s);
	const reader = ring.i32[SI + S_READER_PAGE]!;
	const head = findHeadPage(ring, s);
	const commit = ring.i32[SI + S_COMMIT_PAGE]!;
	if (head < 0) return true;
	if (ring.i32[descI(ring, s, reader) + D_READ] !== commitSize(ring, subbufOff(ring, s, reader)))
		return false;
	if (commit === reader) return true;
	if (commit !== head) return false;
	return readCommit(ring, subbufOff(ring, s, commit)) === 0;
}

// What one round of ring_buffer_map_get_reader's loop did.
/** The buffer is empty: nothing changes. */
export const ROUND_EMPTY = 0;
/** The rest of the reader page was handed to user space. */
export const ROUND_CONSUMED = 1;
/** The reader page is used up: a new one must be swapped in. */
export const ROUND_SWAP = 2;

/** One round of ring_buffer_map_get_reader's loop, up to the swap it may ask for. */
export function consumeOrSwap(ring: Ring, s: number): number {
	if (perCpuEmpty(ring, s)) return ROUND_EMPTY;
	const page = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	const size = commitSize(ring, subbufOff(ring, s, page));
	if (ring.i32[descI(ring, s, page) + D_READ]! >= size) return ROUND_SWAP;
	consumeTo(ring, s, page, size);
	return ROUND_CONSUMED;
}

/**
 * The events lost since the last swap go into the new reader page's commit word
 * (RB_MISSED_EVENTS, and the count after its data when there is room: RB_MISSED_STORED); the
 * count is cleared. Returns the commit word written, 0 when none was.
 */
export function markMissed(ring: Ring, s: number, reader: number, w: Warner): number {
	const { i32, f64, L } = ring;
	const SF = structF(ring, s);
	const missed = f64[SF + SF_LOST_EVENTS]!;
	let word = 0;
	if (missed) {
		if (reader !== i32[structI(ring, s) + S_COMMIT_PAGE]) {
			const off = subbufOff(ring, s, reader);
			const realEnd = i32[descI(ring, s, reader) + D_REAL_END]!;
			if (realEnd) writeCommit(ring, off, realEnd);
			let commit = readCommit(ring, off);
			if (L.capacity - commitSize(ring, off) >= 8) {
				const at = off + BUF_PAGE_HDR_SIZE + commitSize(ring, off);
				ring.dv.setBigUint64(at, BigInt(missed), true);
				commit += RB_MISSED_STORED;
			}
			word = (commit + RB_MISSED_EVENTS) >>> 0;
			writeCommit(ring, off, word);
		} else w.warn(`Reader on commit with ${missed} missed events`);
	}
	f64[SF + SF_LOST_EVENTS] = 0;
	return word;
}

export const noReaderPage = (w: Warner): void =>
	w.warn('ring_buffer_map_get_reader: no reader page');

// ---- the step records -----------------------------------------------------------------------

/** The note for a round that consumed bytes `from`..end of the reader page. */
function consumedNote(ring: Ring, s: number, from: number): string {
	const page = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	const size = commitSize(ring, subbufOff(ring, s, page));
	return `Bytes ${from}..${size} of the reader page are handed to user space and counted as read.`;
}

export const GET_READER_STEPS: readonly ReaderStep[] = [
	step('GR_CONSUME', (x, at) => {
		const { ring } = x;
		const rp = ring.i32[structI(ring, at.s) + S_READER_PAGE]!;
		const from = ring.i32[descI(ring, at.s, rp) + D_READ]!;
		const round = consumeOrSwap(ring, at.s);
		if (round === ROUND_SWAP) {
			if (x.verbose) x.note = 'The reader page is used up: swap in a new one.';
			return callGetReaderPage(ring, at.k, GR_SWAPPED);
		}
		if (x.verbose)
			x.note =
				round === ROUND_EMPTY
					? 'The buffer is empty: nothing changes.'
					: consumedNote(ring, at.s, from);
		return GR_OUT;
	}),
	step('GR_SWAPPED', (x, at) => {
		const reader = x.ring.i32[at.K + K_READER]!;
		if (reader < 0) {
			noReaderPage(x);
			return GR_OUT;
		}
		const missed = x.ring.f64[structF(x.ring, at.s) + SF_LOST_EVENTS]!;
		const word = markMissed(x.ring, at.s, reader, x);
		if (x.verbose)
			x.note = word
				? `${missed} events were lost: the new reader page's commit carries RB_MISSED_EVENTS${word & RB_MISSED_STORED ? ' and the count after its data' : ''}.`
				: 'No events were lost.';
		return GR_CONSUME;
	}),
	step('GR_OUT', (x, at) => {
		const { ring } = x;
		updateMetaPage(ring, at.s);
		if (x.verbose) x.note = 'The meta page now shows reader.id, reader.read and the counters.';
		// The kernel as merged flushes the reader page here, under reader_lock (nothing to model).
		// Under "flush-outside-reader-lock" the flush comes after the unlock (GR_FLUSH): remember
		// the page user space was given.
		if (ring.i32[H_HISTORY]! & HISTORY_FLUSH_UNLOCKED)
			ring.i32[at.K + K_READER] = ring.i32[structI(ring, at.s) + S_READER_PAGE]!;
		return RD_UNLOCK;
	}),
	// History switch "flush-outside-reader-lock": v16 of the series flushed
	// cpu_buffer->reader_page after dropping reader_lock (kernel.md §4.12 item 2; fixed in v17 by
	// flushing before the unlock). A reader that swapped pages in between has changed reader_page:
	// the flush reads the new one, and the page user space was given is not flushed.
	step('GR_FLUSH', (x, at) => {
		const { ring } = x;
		const given = ring.i32[at.K + K_READER]!;
		const now = ring.i32[structI(ring, at.s) + S_READER_PAGE]!;
		if (now !== given)
			x.warn(
				'ring_buffer_map_get_reader: reader_page changed between the unlock and its flush: the page user space was given is not flushed'
			);
		if (x.verbose)
			x.note =
				now === given
					? 'The reader page is flushed: still the page user space was given.'
					: 'Another reader swapped pages after the unlock: the flush reads the new reader page.';
		return RD_DONE;
	})
];
