/**
 * TRACE_MMAP_IOCTL_GET_READER in one call, for a user-space consumer on another thread:
 * ring_buffer_map_get_reader's steps (map-get-reader.ts, with rb_get_reader_page's from swap.ts)
 * run back to back, the same loads, stores and cmpxchg in the same order, so the state it leaves
 * is byte-identical to stepping it (a property test compares the whole state), at a cost per
 * handed-over page, not per step. The swap's cmpxchg on the link into the head races with writers
 * on other threads exactly as the stepped reader's does, and retries the same way. When another
 * reader holds reader_lock, or the reader page is in a state the kernel would warn about, it runs
 * the step machine itself instead (getReaderStepped).
 * Kernel: ring_buffer_map_get_reader -> rb_get_reader_page, rb_advance_reader, rb_update_meta_page.
 */
import { load } from '../atomics';
import {
	claimSlot,
	CTX_USER,
	freeSlot,
	K_ERRNO,
	K_PC,
	K_STATE,
	OP_GET_READER,
	SLOT_FREE,
	SLOT_RUNNING,
	slotI,
	STEP_LIMIT
} from '../context';
import { D_READ, MAX_SLOTS, S_MAPPED, S_READER_LOCK, S_READER_PAGE } from '../layout';
import { updateMetaPage } from '../meta-page';
import { descI, structI, structOf, subbufOff, type Ring } from '../ring';
import { commitSize } from '../subbuf';
import { releaseReaderLock, takeReaderLock } from './lock';
import { consumeOrSwap, markMissed, noReaderPage, ROUND_SWAP } from './map-get-reader';
import { RD_DONE, type ReaderExec, type Warner } from './pc';
import { stepReader } from './steps';
import { getReaderPage } from './swap';

/** The default warning sink: drops them. */
const ignore = (): void => {};
const SILENT: Warner = { warn: ignore };

/** What a GET_READER call ended with. */
export type GetReaderResult = 'ok' | 'ENODEV' | 'EBUSY';

/** Rounds of the ioctl's consume-or-swap loop before giving up (the kernel needs two). */
const MAX_ROUNDS = 1000;

/**
 * GET_READER on `cpu`'s buffer (buffer 0): consume what is left on the reader page, or swap in
 * the head page and mark the events lost since the last swap in its commit word, then refresh
 * the meta page. ENODEV when the buffer is not mapped; EBUSY when no context slot is free.
 * `warn` receives the kernel's warnings.
 */
export function getReader(
	ring: Ring,
	cpu: number,
	warn: (message: string) => void = ignore
): GetReaderResult {
	const s = mappedStruct(ring, cpu);
	if (s < 0) return 'ENODEV';
	const SI = structI(ring, s);
	const rp = ring.i32[SI + S_READER_PAGE]!;
	// The unusual cases go through the step machine: a reader_lock held by another reader (the
	// stepped reader spins on it), a read index beyond the reader page's size (it warns).
	if (
		ring.i32[SI + S_READER_LOCK] !== 0 ||
		ring.i32[descI(ring, s, rp) + D_READ]! > commitSize(ring, subbufOff(ring, s, rp))
	)
		return runStepped(ring, cpu, s, warn);
	// The stepped ioctl runs in the first free slot and leaves it free and zeroed: this one needs
	// no registers, so it only borrows that slot's number for the lock words.
	const k = firstFreeSlot(ring);
	if (k < 0) return 'EBUSY';
	const w: Warner = warn === ignore ? SILENT : { warn };
	takeReaderLock(ring, s, k);
	mapGetReader(ring, s, k, w);
	updateMetaPage(ring, s);
	releaseReaderLock(ring, s, k);
	return 'ok';
}

/** GR_CONSUME and GR_SWAPPED back to back (with the swap between them) until a round settles. */
function mapGetReader(ring: Ring, s: number, k: number, w: Warner): void {
	for (let round = 0; round < MAX_ROUNDS; round++) {
		if (consumeOrSwap(ring, s) !== ROUND_SWAP) return;
		const reader = getReaderPage(ring, s, k, w);
		if (reader < 0) return noReaderPage(w);
		markMissed(ring, s, reader, w);
	}
	w.warn('ring_buffer_map_get_reader: the reader page never settled');
}

/** CPU `cpu`'s buffer (buffer 0) when it is mapped, else -1: GET_READER needs a mapping. */
function mappedStruct(ring: Ring, cpu: number): number {
	const s = structOf(ring, 0, cpu);
	return ring.i32[structI(ring, s) + S_MAPPED] ? s : -1;
}

/** The slot allocSlot would claim now, or -1 when all are in use. */
function firstFreeSlot(ring: Ring): number {
	for (let k = 0; k < MAX_SLOTS; k++)
		if (load(ring.i32, slotI(ring, k) + K_STATE) === SLOT_FREE) return k;
	return -1;
}

/** GET_READER through the step machine, run to its end in a context slot of its own. */
export function getReaderStepped(
	ring: Ring,
	cpu: number,
	warn: (message: string) => void = ignore
): GetReaderResult {
	const s = mappedStruct(ring, cpu);
	return s < 0 ? 'ENODEV' : runStepped(ring, cpu, s, warn);
}

/** Steps the GET_READER of struct s (mapped) to its end; the slot is freed after. */
function runStepped(
	ring: Ring,
	cpu: number,
	s: number,
	warn: (m: string) => void
): GetReaderResult {
	const setup = { state: SLOT_RUNNING, op: OP_GET_READER, cpu, ctx: CTX_USER, struct: s };
	const k = claimSlot(ring, setup);
	if (k < 0) return 'EBUSY';
	const K = slotI(ring, k);
	const { i32 } = ring;
	const x: ReaderExec = {
		ring,
		note: '',
		verbose: false,
		warn,
		payload: () => {},
		emit: () => {},
		emitPage: () => {}
	};
	let steps = 0;
	while (i32[K + K_PC] !== RD_DONE && steps++ < STEP_LIMIT) stepReader(x, k);
	if (i32[K + K_PC] !== RD_DONE) {
		warn('context did not finish within the step limit');
		return 'EBUSY';
	}
	const failed = i32[K + K_ERRNO] !== 0;
	freeSlot(ring, k);
	return failed ? 'EBUSY' : 'ok';
}
