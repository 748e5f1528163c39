/**
 * The per-CPU reader_lock around every reader operation (raw_spin_lock_irqsave /
 * raw_spin_unlock_irqrestore on cpu_buffer->reader_lock): one reader per CPU swaps pages at a time;
 * writers never take it. The lock word holds the slot number + 1 of its holder, 0 when free.
 */
import { K_OP, OP_GET_READER, OP_READ_PAGE } from '../context';
import { H_HISTORY, HISTORY_FLUSH_UNLOCKED, S_READER_LOCK } from '../layout';
import { structI, type Ring } from '../ring';
import { C_PEEK, GR_CONSUME, GR_FLUSH, RD_DONE, RD_LOCK, RP_PAGE, step } from './pc';

/** raw_spin_lock_irqsave(&cpu_buffer->reader_lock) for slot k: false while another holds it. */
export function takeReaderLock(ring: Ring, s: number, k: number): boolean {
	const SI = structI(ring, s);
	const holder = ring.i32[SI + S_READER_LOCK]!;
	if (holder !== 0 && holder !== k + 1) return false;
	ring.i32[SI + S_READER_LOCK] = k + 1;
	return true;
}

/** raw_spin_unlock_irqrestore(&cpu_buffer->reader_lock), if slot k holds it. */
export function releaseReaderLock(ring: Ring, s: number, k: number): void {
	const SI = structI(ring, s);
	if (ring.i32[SI + S_READER_LOCK] === k + 1) ring.i32[SI + S_READER_LOCK] = 0;
}

/** The first step of the operation in slot k once it holds the lock. */
function firstStepOf(op: number): number {
	return op === OP_READ_PAGE ? RP_PAGE : op === OP_GET_READER ? GR_CONSUME : C_PEEK;
}

export const LOCK_STEP = step('RD_LOCK', (x, at) => {
	if (!takeReaderLock(x.ring, at.s, at.k)) {
		if (x.verbose) x.note = 'reader_lock is held by another reader: spin.';
		return RD_LOCK;
	}
	if (x.verbose) x.note = 'reader_lock taken: no other reader can swap pages of this CPU now.';
	return firstStepOf(x.ring.i32[at.K + K_OP]!);
});

export const UNLOCK_STEP = step('RD_UNLOCK', (x, at) => {
	releaseReaderLock(x.ring, at.s, at.k);
	if (x.verbose) x.note = 'reader_lock released.';
	// History switch "flush-outside-reader-lock" (v16): GET_READER flushes the reader page
	// after the unlock (map-get-reader.ts, GR_FLUSH).
	if (
		x.ring.i32[at.K + K_OP] === OP_GET_READER &&
		x.ring.i32[H_HISTORY]! & HISTORY_FLUSH_UNLOCKED
	)
		return GR_FLUSH;
	return RD_DONE;
});

export const DONE_STEP = step('RD_DONE', () => RD_DONE);
