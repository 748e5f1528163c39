/**
 * A plain-data picture of the state for people and programs: per CPU the ring in order from the
 * head, the four pointers, every page with its link flag and counts, and the counters by their
 * kernel names. The CLI's `final`, the page's table view and the tests all read this.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RB_MISSED_EVENTS,
	RB_MISSED_STORED,
	RB_WRITE_MASK,
	type LinkFlagName
} from './constants';
import { decodeRecords } from './format';
import {
	COUNTERS,
	D_ENTRIES,
	D_ID,
	D_READ,
	D_REAL_END,
	D_WRITE,
	H_REC_DISABLED,
	H_SNAPSHOT_ALLOCATED,
	SF_ENTRIES,
	S_COMMIT_PAGE,
	S_COMMITS,
	S_COMMITTING,
	S_HEAD_PAGE,
	S_MAPPED,
	S_NR_PAGES,
	S_READER_PAGE,
	S_TAIL_PAGE,
	type CounterName
} from './layout';
import { headPageAsReaderFinds, linkFlags, nextPage, prevPage, ringOrder } from './page-ring';
import { clockNow } from './clock';
import { descI, structF, structI, structOf, subbufOff, type Ring } from './ring';
import { commitSize, readCommit, readTimeStamp } from './subbuf';

export interface PageState {
	page: number;
	/** Sub-buffer ID once mapped, else null. */
	id: number | null;
	/** Committed bytes (flags masked). */
	commit: number;
	missedEvents: boolean;
	missedStored: boolean;
	timeStamp: number;
	write: number;
	entries: number;
	read: number;
	realEnd: number;
	/** Flag on this page's own next link (it describes the page it points to). */
	link: LinkFlagName;
	next: number;
	prev: number;
}

export interface CpuState {
	cpu: number;
	nrPages: number;
	/** Page numbers of the ring in next order, starting at the head page. */
	ring: number[];
	/**
	 * The head page as a reader would find it now (rb_set_head_page): the page whose previous
	 * link carries HEAD, or UPDATE while a writer pushes it; -1 if none (never when quiescent).
	 */
	head: number;
	tail: number;
	commit: number;
	reader: number;
	committing: number;
	mapped: number;
	pages: PageState[];
	counters: Record<CounterName, number>;
}

export interface RingState {
	kernel: '6.10' | '6.12';
	subbufSize: number;
	clockNs: number;
	tracingOn: boolean;
	cpus: CpuState[];
}

export function describePage(ring: Ring, s: number, p: number): PageState {
	const d = descI(ring, s, p);
	const off = subbufOff(ring, s, p);
	const c = readCommit(ring, off);
	const id = ring.i32[d + D_ID]!;
	return {
		page: p,
		id: id < 0 ? null : id,
		commit: commitSize(ring, off),
		missedEvents: (c & RB_MISSED_EVENTS) !== 0,
		missedStored: (c & RB_MISSED_STORED) !== 0,
		timeStamp: readTimeStamp(ring, off),
		write: ring.i32[d + D_WRITE]! & RB_WRITE_MASK,
		entries: ring.i32[d + D_ENTRIES]! & RB_WRITE_MASK,
		read: ring.i32[d + D_READ]!,
		realEnd: ring.i32[d + D_REAL_END]!,
		link: (['NORMAL', 'HEAD', 'UPDATE', 'NORMAL'] as const)[linkFlags(ring, s, p)]!,
		next: nextPage(ring, s, p),
		prev: prevPage(ring, s, p)
	};
}

export function describeStruct(ring: Ring, s: number, cpu: number): CpuState {
	const SI = structI(ring, s);
	const SF = structF(ring, s);
	const n = ring.i32[SI + S_NR_PAGES]!;
	const counters = {} as Record<CounterName, number>;
	for (const [name, i] of COUNTERS) counters[name] = ring.f64[SF + i]!;
	const head = headPageAsReaderFinds(ring, s);
	const pages: PageState[] = [];
	for (let p = 0; p <= n; p++) pages.push(describePage(ring, s, p));
	return {
		cpu,
		nrPages: n,
		ring: ringOrder(ring, s, head >= 0 ? head : undefined),
		head,
		tail: ring.i32[SI + S_TAIL_PAGE]!,
		commit: ring.i32[SI + S_COMMIT_PAGE]!,
		reader: ring.i32[SI + S_READER_PAGE]!,
		committing: ring.i32[SI + S_COMMITTING]!,
		mapped: ring.i32[SI + S_MAPPED]!,
		pages,
		counters
	};
}

export function describeRing(ring: Ring, buffer = 0): RingState {
	const cpus: CpuState[] = [];
	for (let c = 0; c < ring.L.cpus; c++)
		cpus.push(describeStruct(ring, structOf(ring, buffer, c), c));
	return {
		kernel: ring.i32[2] === 1 ? '6.12' : '6.10',
		subbufSize: ring.L.subbufSize,
		clockNs: clockNow(ring),
		tracingOn: ring.i32[H_REC_DISABLED + buffer] === 0,
		cpus
	};
}

/**
 * The snapshot ("max") buffer as {@link describeRing} describes the live one: what the last
 * snapshot swap took out of the live buffer (ring_buffer_swap_cpu), or null while none is
 * allocated (before `echo 1 > snapshot`, after `echo 0 > snapshot`).
 */
export function describeSnapshot(ring: Ring): RingState | null {
	return ring.i32[H_SNAPSHOT_ALLOCATED] ? describeRing(ring, 1) : null;
}

/**
 * The records of one CPU's buffer in the order a reader takes them: the reader page, then the
 * ring from the head page. `buffer` 1 is the snapshot buffer.
 */
export function recordsInReadOrder(ring: Ring, cpu: CpuState, buffer = 0) {
	const s = structOf(ring, buffer, cpu.cpu);
	const read = cpu.pages[cpu.reader]?.read ?? 0;
	return [cpu.reader, ...cpu.ring].map((page) => ({
		page,
		// on the reader page, what a reader already took is behind `read`
		records: pageRecords(ring, s, page).filter(
			(r) => r.kind === 'data' && (page !== cpu.reader || r.offset >= read)
		)
	}));
}

/** One CPU's part of {@link describeRing}: what a drawing of that CPU alone needs. */
export function describeCpu(ring: Ring, cpu: number, buffer = 0): CpuState {
	return describeStruct(ring, structOf(ring, buffer, cpu), cpu);
}

/**
 * A number that moves whenever a writer on `cpu` starts or finishes an event: the `commits` count
 * every writer increments when it starts (rb_start_commit) plus the `entries` counter it
 * increments when its event is in. A drawing of that CPU made at the same number has nothing
 * new to show from writers, so a redraw while writers run can skip it.
 */
export function writerProgress(ring: Ring, cpu: number, buffer = 0): number {
	const s = structOf(ring, buffer, cpu);
	return ring.i32[structI(ring, s) + S_COMMITS]! + ring.f64[structF(ring, s) + SF_ENTRIES]!;
}

/** The records of one page (the page inspector), from 0 to its commit. */
export function pageRecords(ring: Ring, s: number, p: number) {
	const off = subbufOff(ring, s, p);
	return decodeRecords(
		ring.i32,
		off + BUF_PAGE_HDR_SIZE,
		0,
		commitSize(ring, off),
		readTimeStamp(ring, off)
	);
}

void S_HEAD_PAGE;
