/**
 * The invariants the kernel's design relies on, checked over the whole state (RB_WARN_ON's spirit:
 * a violation freezes a run and says what broke). Some hold only when no context is in flight on a
 * CPU ("quiescent"): while a writer pushes the head the link may carry UPDATE, or briefly two HEADs
 * (the triple-nested push of the design doc), the commit lags the tail, and a reader swapping
 * pages has its old reader page in the ring for one step.
 */
import { BUF_PAGE_HDR_SIZE, RB_PAGE_HEAD, RB_PAGE_UPDATE, RB_WRITE_MASK } from './constants';
import { K_CPU, K_STATE, SLOT_READY, SLOT_RUNNING, slotI } from './context';
import { isDataType, recordLength, typeLenOf } from './format';
import {
	D_ID,
	D_READ,
	D_WRITE,
	MAX_SLOTS,
	S_COMMIT_PAGE,
	S_CPU,
	S_NR_PAGES,
	S_ORDER_LOST,
	S_PAGES,
	S_READER_PAGE,
	S_TAIL_PAGE,
	SF_ENTRIES,
	SF_OVERRUN,
	SF_READ
} from './layout';
import { findHeadPageQuiet, linkFlags, nextPage } from './page-ring';
import { descI, structF, structI, subbufOff, type Ring } from './ring';
import { commitSize } from './subbuf';

export interface Violation {
	cpu: number;
	struct: number;
	invariant: string;
	message: string;
}

function busyCpus(ring: Ring): Set<number> {
	const out = new Set<number>();
	for (let k = 0; k < MAX_SLOTS; k++) {
		const K = slotI(ring, k);
		const st = ring.i32[K + K_STATE];
		if (st === SLOT_RUNNING || st === SLOT_READY) out.add(ring.i32[K + K_CPU]!);
	}
	return out;
}

/** Data records from byte `from` to `to` of page p's data area. */
export function countData(ring: Ring, s: number, p: number, from: number, to: number): number {
	const base = subbufOff(ring, s, p) + BUF_PAGE_HDR_SIZE;
	let n = 0;
	for (let off = from; off < to;) {
		const wi = (base + off) >> 2;
		if (isDataType(typeLenOf(ring.i32[wi]!))) n++;
		const len = recordLength(ring.i32, wi);
		if (len <= 0) break;
		off += len;
	}
	return n;
}

/** Events still in the buffer of struct s: unread part of the reader page, then head .. commit. */
export function eventsInBuffer(ring: Ring, s: number): number {
	const SI = structI(ring, s);
	const rp = ring.i32[SI + S_READER_PAGE]!;
	const commit = ring.i32[SI + S_COMMIT_PAGE]!;
	let n = countData(
		ring,
		s,
		rp,
		ring.i32[descI(ring, s, rp) + D_READ]!,
		commitSize(ring, subbufOff(ring, s, rp))
	);
	if (commit === rp) return n;
	let p = findHeadPageQuiet(ring, s);
	const nr = ring.i32[SI + S_NR_PAGES]!;
	for (let i = 0; i < nr && p >= 0; i++) {
		n += countData(ring, s, p, 0, commitSize(ring, subbufOff(ring, s, p)));
		if (p === commit) break;
		p = nextPage(ring, s, p);
	}
	return n;
}

/**
 * Checks every allocated per-CPU struct (only those of `cpus` when given: the CPUs a step touched);
 * returns the violations found (empty when all hold).
 */
export function checkInvariants(ring: Ring, cpus: readonly number[] | null = null): Violation[] {
	const out: Violation[] = [];
	const busy = busyCpus(ring);
	for (let s = 0; s < 2 * ring.L.cpus; s++) {
		const SI = structI(ring, s);
		const n = ring.i32[SI + S_NR_PAGES]!;
		if (!n) continue;
		const cpu = ring.i32[SI + S_CPU]!;
		if (cpus && !cpus.includes(cpu)) continue;
		const bad = (invariant: string, message: string) =>
			out.push({ cpu, struct: s, invariant, message });
		const quiet = !busy.has(cpu);
		const rp = ring.i32[SI + S_READER_PAGE]!;
		// The ring is a ring of n pages, the reader page outside it.
		const anchor = ring.i32[SI + S_PAGES]!;
		const seen = new Set<number>();
		let p = anchor;
		let heads = 0;
		let updates = 0;
		for (let i = 0; i <= n; i++) {
			if (seen.has(p)) break;
			seen.add(p);
			const f = linkFlags(ring, s, p);
			if (f === RB_PAGE_HEAD) heads++;
			if (f === RB_PAGE_UPDATE) updates++;
			p = nextPage(ring, s, p);
		}
		if (p !== anchor || seen.size !== n) {
			bad(
				'ring',
				`following next links from page ${anchor} does not close a ring of ${n} pages`
			);
			continue;
		}
		// Between the reader's cmpxchg into the head and its next step (rb_get_reader_page sets
		// cpu_buffer->reader_page only then) the old reader page is already in the ring: only a
		// quiet CPU must have its reader page outside.
		if (quiet && seen.has(rp))
			bad('reader-outside', `the reader page ${rp} is inside the ring`);
		if (seen.size + 1 !== n + 1 || rp < 0 || rp > n)
			bad('pages', 'ring pages and reader page are not all the pages');
		if (quiet) {
			if (heads !== 1 || updates !== 0)
				bad(
					'one-head',
					`expected exactly one HEAD link and no UPDATE, found ${heads} HEAD and ${updates} UPDATE`
				);
		} else if (heads + updates === 0) bad('one-head', 'no link carries HEAD or UPDATE');
		// Commit never past the tail; when quiet, the commit is the tail and covers every write.
		const tail = ring.i32[SI + S_TAIL_PAGE]!;
		const commit = ring.i32[SI + S_COMMIT_PAGE]!;
		if (quiet) {
			if (commit !== tail)
				bad(
					'commit-at-tail',
					`no writer in flight but commit page ${commit} != tail page ${tail}`
				);
			else {
				const w = ring.i32[descI(ring, s, tail) + D_WRITE]! & RB_WRITE_MASK;
				const c = commitSize(ring, subbufOff(ring, s, tail));
				if (w > ring.L.capacity || c !== w)
					bad('commit-at-tail', `tail page ${tail}: write ${w} but commit ${c}`);
			}
			// Every event accounted for: entries = overrun + read + still in the buffer.
			const SF = structF(ring, s);
			const inBuf = eventsInBuffer(ring, s);
			// (less the events a sub-buffer order change dropped uncounted, as the kernel does)
			const unread =
				ring.f64[SF + SF_ENTRIES]! -
				ring.f64[SF + SF_OVERRUN]! -
				ring.f64[SF + SF_READ]! -
				ring.i32[structI(ring, s) + S_ORDER_LOST]!;
			if (inBuf !== unread)
				bad(
					'accounting',
					`entries - overrun - read = ${unread} but ${inBuf} events are in the buffer`
				);
		}
		// IDs, once assigned, are a permutation of 0..n.
		const ids = new Set<number>();
		for (let q = 0; q <= n; q++) ids.add(ring.i32[descI(ring, s, q) + D_ID]!);
		if (!(ids.size === 1 && ids.has(-1))) {
			for (let q = 0; q <= n; q++)
				if (!ids.has(q)) {
					bad('ids', `sub-buffer IDs are not a permutation of 0..${n}`);
					break;
				}
		}
	}
	return out;
}
