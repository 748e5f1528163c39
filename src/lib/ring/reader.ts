/**
 * Readers as step machines, run by a reader context on another CPU under the per-CPU reader_lock:
 * rb_get_reader_page (the lockless swap of the reader page with the head page, with its cmpxchg
 * and retry), ring_buffer_consume (trace_pipe: one event per step, lost events reported on the
 * first event after a loss) and ring_buffer_read_page (trace_pipe_raw: a whole sub-buffer, swapped
 * out when complete, else copied event by event; the missed-events bits set in its commit word).
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RB_MISSED_EVENTS,
	RB_MISSED_STORED,
	RB_WRITE_MASK,
	RINGBUF_TYPE_PADDING,
	RINGBUF_TYPE_TIME_EXTEND,
	RINGBUF_TYPE_TIME_STAMP
} from './constants';
import {
	K_GRP_RET,
	K_OP,
	K_PC,
	K_READER,
	K_STRUCT,
	OP_GET_READER,
	OP_READ_PAGE,
	R_COUNT,
	R_DONE_COUNT,
	R_GRP_LOOPS,
	R_OVERWRITE,
	R_PEEK_LOOPS,
	R_PEEK_TS,
	R_WAIT,
	slotF,
	slotI
} from './context';
import {
	dataLength,
	dataOffset,
	decodeRecords,
	deltaOf,
	fixAbsTs,
	hex,
	isDataType,
	recordLength,
	timeRecordValue,
	typeLenOf
} from './format';
import {
	D_ENTRIES,
	D_READ,
	D_REAL_END,
	H_KERNEL,
	D_WRITE,
	S_CNT,
	S_COMMIT_PAGE,
	S_HEAD_PAGE,
	S_MAPPED,
	S_PAGES,
	S_READER_BUSY,
	S_READER_LOCK,
	S_READER_PAGE,
	SF_ENTRIES,
	SF_LAST_OVERRUN,
	SF_LOST_EVENTS,
	SF_OVERRUN,
	SF_PAGES_READ,
	SF_READ,
	SF_READ_BYTES,
	SF_READ_STAMP
} from './layout';
import {
	findHeadPage,
	headPageReplace,
	nextPage,
	prevPage,
	setListToHead,
	setNext,
	setPrev
} from './page-ring';
import { descI, structF, structI, subbufOff, type Ring } from './ring';
import { commitSize, readCommit, readTimeStamp, writeCommit, writeTimeStamp } from './subbuf';
import { updateMetaPage } from './meta-page';
import type { Exec } from './writer';

/** An event as a consuming reader returns it. */
export interface ConsumedEvent {
	ts: number;
	/** Data bytes as ring_buffer_event_length reports them (rounded up to 4), hex. */
	payload: string;
	/** Events lost before this one (the kernel's lost_events), 0 if none. */
	lost: number;
}

export interface ReaderExec extends Exec {
	emit(k: number, ev: ConsumedEvent): void;
	/** A whole sub-buffer handed out by ring_buffer_read_page. */
	emitPage(k: number, page: Uint8Array, missed: number): void;
}

export const RD_LOCK = 0;
export const G_START = 1;
export const G_AGAIN = 2;
export const G_SPIN = 3;
export const G_SET_HEAD = 4;
export const G_REPLACE = 5;
export const G_FIX = 6;
export const G_OUT = 7;
export const G_WAIT = 8;
export const C_PEEK = 9;
export const C_EVENT = 10;
export const RP_PAGE = 11;
export const RP_COPY = 12;
export const RD_UNLOCK = 13;
export const RD_DONE = 14;
export const GR_CONSUME = 15;
export const GR_SWAPPED = 16;
export const GR_OUT = 17;

export const READER_STEPS: readonly (readonly [label: string, kernel: string])[] = [
	['take reader_lock', 'raw_spin_lock_irqsave'],
	['irqs off, take cpu_buffer->lock', 'rb_get_reader_page'],
	['unread data on the reader page? anything to swap?', 'rb_get_reader_page'],
	['find the head page, splice the reader page in front of it', 'rb_get_reader_page'],
	['reader page next -> HEAD; read overrun', 'rb_get_reader_page'],
	['cmpxchg link into head: (head|HEAD) -> reader page', 'rb_head_page_replace'],
	['new head prev -> reader page; old head is the reader page', 'rb_get_reader_page'],
	['set read_stamp, drop cpu_buffer->lock', 'rb_get_reader_page'],
	['wait while a writer is still moving off the page', 'rb_get_reader_page'],
	['peek at the next event', 'rb_buffer_peek'],
	['take the event and advance', 'ring_buffer_consume'],
	['get the reader page', 'ring_buffer_read_page'],
	['hand out the page: swap it, or copy its events', 'ring_buffer_read_page'],
	['release reader_lock', 'raw_spin_unlock_irqrestore'],
	['done', ''],
	['consume what is left on the reader page, or swap', 'ring_buffer_map_get_reader'],
	["mark missed events in the new page's commit", 'ring_buffer_map_get_reader'],
	['refresh the meta page', 'rb_update_meta_page']
];

export const USECS_WAIT = 1000000;

/** Byte offset of the reader's next record on the reader page. */
function readerEventOff(ring: Ring, s: number): number {
	const rp = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	return subbufOff(ring, s, rp) + BUF_PAGE_HDR_SIZE + ring.i32[descI(ring, s, rp) + D_READ]!;
}

/** rb_update_read_stamp. */
function updateReadStamp(ring: Ring, s: number, off: number): void {
	const w = ring.i32[off >> 2]!;
	const t = typeLenOf(w);
	const SF = structF(ring, s);
	if (t === RINGBUF_TYPE_PADDING) return;
	if (t === RINGBUF_TYPE_TIME_EXTEND)
		ring.f64[SF + SF_READ_STAMP] =
			ring.f64[SF + SF_READ_STAMP]! + timeRecordValue(ring.i32, off >> 2);
	else if (t === RINGBUF_TYPE_TIME_STAMP)
		ring.f64[SF + SF_READ_STAMP] = fixAbsTs(
			timeRecordValue(ring.i32, off >> 2),
			ring.f64[SF + SF_READ_STAMP]!
		);
	else ring.f64[SF + SF_READ_STAMP] = ring.f64[SF + SF_READ_STAMP]! + deltaOf(w);
}

/** rb_advance_reader: step over the record at the reader's position. */
export function advanceReader(ring: Ring, s: number): number {
	const off = readerEventOff(ring, s);
	const SF = structF(ring, s);
	const t = typeLenOf(ring.i32[off >> 2]!);
	if (isDataType(t)) ring.f64[SF + SF_READ]!++;
	updateReadStamp(ring, s, off);
	const len = recordLength(ring.i32, off >> 2);
	const rp = ring.i32[structI(ring, s) + S_READER_PAGE]!;
	ring.i32[descI(ring, s, rp) + D_READ] = ring.i32[descI(ring, s, rp) + D_READ]! + len;
	ring.f64[SF + SF_READ_BYTES] = ring.f64[SF + SF_READ_BYTES]! + len;
	return len;
}

/** rb_num_of_entries: entries - (overrun + read). */
export function unreadEntries(ring: Ring, s: number): number {
	const SF = structF(ring, s);
	return ring.f64[SF + SF_ENTRIES]! - (ring.f64[SF + SF_OVERRUN]! + ring.f64[SF + SF_READ]!);
}

/** Calls rb_get_reader_page as a sub-machine; it returns to `ret` with K_READER set. */
export function callGetReaderPage(ring: Ring, k: number, ret: number): number {
	ring.i32[slotI(ring, k) + K_GRP_RET] = ret;
	return G_START;
}

/** Runs one atomic step of the reader in slot k. Returns the pc executed. */
export function stepReader(x: ReaderExec, k: number): number {
	const { ring } = x;
	const { i32, f64, L } = ring;
	const K = slotI(ring, k);
	const F = slotF(ring, k);
	const pc = i32[K + K_PC]!;
	const s = i32[K + K_STRUCT]!;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	let next = RD_DONE;
	switch (pc) {
		case RD_LOCK: {
			const holder = i32[SI + S_READER_LOCK]!;
			if (holder !== 0 && holder !== k + 1) {
				if (x.verbose) x.note = 'reader_lock is held by another reader: spin.';
				next = RD_LOCK;
				break;
			}
			i32[SI + S_READER_LOCK] = k + 1;
			if (x.verbose)
				x.note = 'reader_lock taken: no other reader can swap pages of this CPU now.';
			next =
				i32[K + K_OP] === OP_READ_PAGE
					? RP_PAGE
					: i32[K + K_OP] === OP_GET_READER
						? GR_CONSUME
						: C_PEEK;
			break;
		}
		case G_START:
			i32[SI + S_READER_BUSY] = k + 1;
			f64[F + R_GRP_LOOPS] = 0;
			if (x.verbose) x.note = 'Interrupts off on the reader CPU; cpu_buffer->lock taken.';
			next = G_AGAIN;
			break;
		case G_AGAIN: {
			const rp = i32[SI + S_READER_PAGE]!;
			i32[K + K_READER] = -1;
			next = G_OUT;
			if (++f64[F + R_GRP_LOOPS]! > 3) {
				x.warn('rb_get_reader_page looped more than 3 times');
				if (x.verbose) x.note = 'Looped too often: give up.';
				break;
			}
			const rd = descI(ring, s, rp);
			const size = commitSize(ring, subbufOff(ring, s, rp));
			const read = i32[rd + D_READ]!;
			if (read < size) {
				i32[K + K_READER] = rp;
				if (x.verbose)
					x.note = `Reader page ${rp} still has unread data (${read} of ${size} bytes read).`;
				break;
			}
			if (read > size) {
				x.warn('reader page read index beyond its size');
				i32[K + K_READER] = rp;
				break;
			}
			if (i32[SI + S_COMMIT_PAGE] === rp) {
				if (x.verbose)
					x.note = 'The commit page is the reader page: nothing more has been committed.';
				break;
			}
			if (unreadEntries(ring, s) === 0) {
				if (x.verbose) x.note = 'The buffer holds no unread events: nothing to swap.';
				break;
			}
			i32[rd + D_WRITE] = 0;
			i32[rd + D_ENTRIES] = 0;
			i32[rd + D_REAL_END] = 0;
			if (x.verbose)
				x.note = `Reader page ${rp} is used up: reset it and swap it with the head page.`;
			next = G_SPIN;
			break;
		}
		case G_SPIN: {
			const head = findHeadPage(ring, s);
			if (head < 0) {
				x.warn('rb_set_head_page found no head page');
				i32[K + K_READER] = -1;
				next = G_OUT;
				break;
			}
			const rp = i32[SI + S_READER_PAGE]!;
			i32[K + K_READER] = head;
			setNext(ring, s, rp, nextPage(ring, s, head), 0);
			setPrev(ring, s, rp, prevPage(ring, s, head));
			i32[SI + S_PAGES] = prevPage(ring, s, head);
			if (x.verbose)
				x.note = `The head is page ${head}: reader page ${rp} now points to ${nextPage(ring, s, head)} and back to ${prevPage(ring, s, head)}.`;
			next = G_SET_HEAD;
			break;
		}
		case G_SET_HEAD: {
			const rp = i32[SI + S_READER_PAGE]!;
			setListToHead(ring, s, rp);
			f64[F + R_OVERWRITE] = f64[SF + SF_OVERRUN]!;
			if (x.verbose)
				x.note = `Reader page ${rp}'s next link carries HEAD: it will be the link into the new head. overrun = ${f64[F + R_OVERWRITE]}.`;
			next = G_REPLACE;
			break;
		}
		case G_REPLACE: {
			const head = i32[K + K_READER]!;
			const rp = i32[SI + S_READER_PAGE]!;
			if (!headPageReplace(ring, s, head, rp)) {
				if (x.verbose)
					x.note =
						'The cmpxchg failed: a writer is pushing the head (UPDATE) or moved it. Find the head again.';
				next = G_SPIN;
				break;
			}
			if (x.verbose)
				x.note = `The link into page ${head} now points to reader page ${rp}: ${rp} is in the ring, ${head} is out.`;
			next = G_FIX;
			break;
		}
		case G_FIX: {
			const head = i32[K + K_READER]!;
			const rp = i32[SI + S_READER_PAGE]!;
			setPrev(ring, s, nextPage(ring, s, head), rp);
			i32[SI + S_HEAD_PAGE] = nextPage(ring, s, i32[SI + S_HEAD_PAGE]!);
			i32[SI + S_CNT]!++;
			f64[SF + SF_PAGES_READ]!++;
			i32[SI + S_READER_PAGE] = head;
			i32[descI(ring, s, head) + D_READ] = 0;
			const overwrite = f64[F + R_OVERWRITE]!;
			if (overwrite !== f64[SF + SF_LAST_OVERRUN]) {
				f64[SF + SF_LOST_EVENTS] = overwrite - f64[SF + SF_LAST_OVERRUN]!;
				f64[SF + SF_LAST_OVERRUN] = overwrite;
				if (x.verbose)
					x.note = `Page ${head} is the new reader page; ${f64[SF + SF_LOST_EVENTS]} events were lost since the last swap.`;
			} else if (x.verbose)
				x.note = `Page ${head} is the new reader page; the head moved to ${i32[SI + S_HEAD_PAGE]}.`;
			next = G_AGAIN;
			break;
		}
		case G_OUT: {
			const r = i32[K + K_READER]!;
			if (r >= 0 && i32[descI(ring, s, r) + D_READ] === 0)
				f64[SF + SF_READ_STAMP] = readTimeStamp(ring, subbufOff(ring, s, r));
			i32[SI + S_READER_BUSY] = 0;
			f64[F + R_WAIT] = 0;
			if (x.verbose) x.note = r >= 0 ? `Reading from page ${r}.` : 'No page to read.';
			next = G_WAIT;
			break;
		}
		case G_WAIT: {
			const r = i32[K + K_READER]!;
			if (r >= 0 && (i32[descI(ring, s, r) + D_WRITE]! & RB_WRITE_MASK) > L.capacity) {
				if (++f64[F + R_WAIT]! >= USECS_WAIT) {
					x.warn('rb_get_reader_page: a writer never moved off the reader page');
					i32[K + K_READER] = -1;
				} else {
					if (x.verbose)
						x.note =
							'A writer reserved past the end of this page and is still moving the tail: wait.';
					next = G_WAIT;
					break;
				}
			}
			if (x.verbose) x.note = 'The page is settled.';
			next = i32[K + K_GRP_RET]!;
			break;
		}
		case C_PEEK:
			f64[F + R_PEEK_LOOPS] = 0;
			if (x.verbose) x.note = 'Look for the next event.';
			next = callGetReaderPage(ring, k, C_EVENT);
			break;
		case C_EVENT: {
			if (i32[K + K_READER]! < 0) {
				if (x.verbose) x.note = 'The buffer is empty.';
				next = RD_UNLOCK;
				break;
			}
			const off = readerEventOff(ring, s);
			const w = i32[off >> 2]!;
			const t = typeLenOf(w);
			if (t === RINGBUF_TYPE_PADDING) {
				if (deltaOf(w) === 0) x.warn('null padding event inside the committed data');
				f64[SF + SF_LOST_EVENTS] = 0;
				advanceReader(ring, s);
				if (x.verbose) x.note = 'Skip a padding record.';
				next = C_PEEK;
				break;
			}
			if (t === RINGBUF_TYPE_TIME_EXTEND || t === RINGBUF_TYPE_TIME_STAMP) {
				if (t === RINGBUF_TYPE_TIME_STAMP) {
					const rp = i32[SI + S_READER_PAGE]!;
					f64[F + R_PEEK_TS] = fixAbsTs(
						timeRecordValue(i32, off >> 2),
						readTimeStamp(ring, subbufOff(ring, s, rp))
					);
				}
				if (++f64[F + R_PEEK_LOOPS]! > 2) x.warn('rb_buffer_peek looped more than twice');
				advanceReader(ring, s);
				if (x.verbose)
					x.note =
						t === RINGBUF_TYPE_TIME_EXTEND
							? 'Step over a time extend.'
							: 'Step over an absolute time stamp.';
				next = C_EVENT;
				break;
			}
			const ts = f64[F + R_PEEK_TS]
				? f64[F + R_PEEK_TS]!
				: f64[SF + SF_READ_STAMP]! + deltaOf(w);
			const dOff = dataOffset(i32, off);
			const ev: ConsumedEvent = {
				ts,
				payload: hex(ring.u8, dOff, dataLength(i32, off >> 2)),
				lost: f64[SF + SF_LOST_EVENTS]!
			};
			x.emit(k, ev);
			f64[SF + SF_LOST_EVENTS] = 0;
			advanceReader(ring, s);
			f64[F + R_PEEK_TS] = 0;
			const done = ++f64[F + R_DONE_COUNT]!;
			if (x.verbose)
				x.note = ev.lost
					? `Consumed the event at ${ts} after ${ev.lost} lost events.`
					: `Consumed the event at ${ts}.`;
			next = f64[F + R_COUNT]! >= 0 && done >= f64[F + R_COUNT]! ? RD_UNLOCK : C_PEEK;
			break;
		}
		case RP_PAGE:
			if (x.verbose) x.note = 'Get the reader page.';
			next = callGetReaderPage(ring, k, RP_COPY);
			break;
		case RP_COPY:
			readPageOut(x, k, s);
			next = RD_UNLOCK;
			break;
		case GR_CONSUME: {
			if (perCpuEmpty(ring, s)) {
				if (x.verbose) x.note = 'The buffer is empty: nothing changes.';
				next = GR_OUT;
				break;
			}
			const rp = i32[SI + S_READER_PAGE]!;
			const size = commitSize(ring, subbufOff(ring, s, rp));
			const rd = descI(ring, s, rp);
			if (i32[rd + D_READ]! < size) {
				// User space is assumed to read it all: advance the kernel reader over every record.
				const from = i32[rd + D_READ]!;
				while (i32[rd + D_READ]! < size) advanceReader(ring, s);
				if (x.verbose)
					x.note = `Bytes ${from}..${size} of the reader page are handed to user space and counted as read.`;
				next = GR_OUT;
				break;
			}
			if (x.verbose) x.note = 'The reader page is used up: swap in a new one.';
			next = callGetReaderPage(ring, k, GR_SWAPPED);
			break;
		}
		case GR_SWAPPED: {
			const reader = i32[K + K_READER]!;
			if (reader < 0) {
				x.warn('ring_buffer_map_get_reader: no reader page');
				next = GR_OUT;
				break;
			}
			const missed = f64[SF + SF_LOST_EVENTS]!;
			if (x.verbose) x.note = 'No events were lost.';
			if (missed) {
				if (reader !== i32[SI + S_COMMIT_PAGE]) {
					const off = subbufOff(ring, s, reader);
					const realEnd = i32[descI(ring, s, reader) + D_REAL_END]!;
					if (realEnd) writeCommit(ring, off, realEnd);
					let commit = readCommit(ring, off);
					if (L.capacity - commitSize(ring, off) >= 8) {
						ring.dv.setBigUint64(
							off + BUF_PAGE_HDR_SIZE + commitSize(ring, off),
							BigInt(missed),
							true
						);
						commit += RB_MISSED_STORED;
					}
					writeCommit(ring, off, (commit + RB_MISSED_EVENTS) >>> 0);
					if (x.verbose)
						x.note = `${missed} events were lost: the new reader page's commit carries RB_MISSED_EVENTS${commit & RB_MISSED_STORED ? ' and the count after its data' : ''}.`;
				} else x.warn(`Reader on commit with ${missed} missed events`);
			}
			f64[SF + SF_LOST_EVENTS] = 0;
			next = GR_CONSUME;
			break;
		}
		case GR_OUT:
			updateMetaPage(ring, s);
			if (x.verbose)
				x.note = 'The meta page now shows reader.id, reader.read and the counters.';
			next = RD_UNLOCK;
			break;
		case RD_UNLOCK:
			if (i32[SI + S_READER_LOCK] === k + 1) i32[SI + S_READER_LOCK] = 0;
			if (x.verbose) x.note = 'reader_lock released.';
			next = RD_DONE;
			break;
		default:
			next = RD_DONE;
	}
	i32[K + K_PC] = next;
	return pc;
}

/**
 * rb_per_cpu_empty, as ring_buffer_map_get_reader asks it.
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

/** The body of ring_buffer_read_page once rb_get_reader_page returned a page (full = 0). */
function readPageOut(x: ReaderExec, k: number, s: number): void {
	const { ring } = x;
	const { i32, f64, L } = ring;
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	const reader = i32[slotI(ring, k) + K_READER]!;
	if (reader < 0) {
		if (x.verbose) x.note = 'Nothing to read.';
		return;
	}
	const out = new Uint8Array(L.subbufSize);
	const outI = new Int32Array(out.buffer);
	const rd = descI(ring, s, reader);
	const rOff = subbufOff(ring, s, reader);
	const read = i32[rd + D_READ]!;
	const commit = commitSize(ring, rOff);
	const missed = f64[SF + SF_LOST_EVENTS]!;
	let outCommit: number;
	if (read || i32[SI + S_COMMIT_PAGE] === reader || i32[SI + S_MAPPED]! > 0) {
		// Copy one event at a time (keeping a time extend with its event).
		const saveTs = f64[SF + SF_READ_STAMP]!;
		let pos = 0;
		let rpos = read;
		while (rpos < commit) {
			const len = advanceReader(ring, s);
			out.set(
				ring.u8.subarray(
					rOff + BUF_PAGE_HDR_SIZE + rpos,
					rOff + BUF_PAGE_HDR_SIZE + rpos + len
				),
				BUF_PAGE_HDR_SIZE + pos
			);
			pos += len;
			rpos = i32[rd + D_READ]!;
		}
		outCommit = pos;
		outI[0] = (saveTs % 2 ** 32) | 0;
		outI[1] = Math.floor(saveTs / 2 ** 32) | 0;
		if (x.verbose)
			x.note = `Copied ${pos} bytes of events out of page ${reader} (it is ${i32[SI + S_MAPPED]! > 0 ? 'mapped' : 'still being written or partly read'}).`;
	} else {
		// The whole page leaves: swap it with a spare sub-buffer.
		// Not modelled: the kernel's spare is the reader's own page (one per open trace_pipe_raw
		// file, the one it was handed last time, zeroed past that page's commit), so the page that
		// takes the reader page's place holds those old bytes. Here the same sub-buffer stays with
		// its old bytes and only its header is reset. Records never differ; only left-over bytes
		// do (alignment slack, padding bodies), which `ringlab kernel diff` therefore leaves out.
		// Which file a reader uses is outside the ring buffer, so a simulation cannot know it.
		f64[SF + SF_READ] = f64[SF + SF_READ]! + (i32[rd + D_ENTRIES]! & RB_WRITE_MASK);
		f64[SF + SF_READ_BYTES] = f64[SF + SF_READ_BYTES]! + commit;
		out.set(ring.u8.subarray(rOff, rOff + L.subbufSize));
		writeCommit(ring, rOff, 0); // rb_init_page of the spare that takes its place
		writeTimeStamp(ring, rOff, 0);
		i32[rd + D_WRITE] = 0;
		i32[rd + D_ENTRIES] = 0;
		i32[rd + D_READ] = 0;
		const realEnd = i32[rd + D_REAL_END]!;
		outCommit = realEnd ? realEnd : readOutCommit(outI);
		if (x.verbose)
			x.note = `Page ${reader} is complete: handed out whole, a spare page takes its place.`;
	}
	f64[SF + SF_LOST_EVENTS] = 0;
	let commitWord = outCommit;
	let end = outCommit;
	if (missed) {
		if (L.capacity - outCommit >= 8) {
			const dv = new DataView(out.buffer);
			dv.setBigUint64(BUF_PAGE_HDR_SIZE + outCommit, BigInt(missed), true);
			commitWord += RB_MISSED_STORED;
			end += 8;
		}
		commitWord = (commitWord + RB_MISSED_EVENTS) >>> 0;
	}
	outI[2] = commitWord | 0;
	outI[3] = commitWord & 0x80000000 ? -1 : 0;
	out.fill(0, BUF_PAGE_HDR_SIZE + end);
	x.emitPage(k, out, missed);
}

function readOutCommit(outI: Int32Array): number {
	return outI[2]! >>> 0;
}

/** Decodes the events of a whole sub-buffer (as handed out by readPage) for a result. */
export function pageEvents(page: Uint8Array): ConsumedEvent[] {
	const i32 = new Int32Array(page.buffer, page.byteOffset, page.byteLength >> 2);
	const ts0 = (i32[0]! >>> 0) + (i32[1]! >>> 0) * 2 ** 32;
	const size = (i32[2]! >>> 0) & 0x3fffffff;
	const out: ConsumedEvent[] = [];
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, ts0)) {
		if (r.kind !== 'data') continue;
		out.push({
			ts: r.ts,
			payload: hex(page, BUF_PAGE_HDR_SIZE + r.dataOffset!, r.dataLength!),
			lost: 0
		});
	}
	return out;
}
