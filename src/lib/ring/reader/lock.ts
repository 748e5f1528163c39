/**
 * The per-CPU reader_lock around every reader operation (raw_spin_lock_irqsave /
 * raw_spin_unlock_irqrestore on cpu_buffer->reader_lock): one reader per CPU swaps pages at a time;
 * writers never take it. The lock word holds the slot number + 1 of its holder, 0 when free.
 */
import { K_OP, K_STRUCT, OP_GET_READER, OP_READ_PAGE, slotI } from '../context';
import { S_READER_LOCK } from '../layout';
import { structI, type Ring } from '../ring';
import { C_PEEK, GR_CONSUME, RD_DONE, RD_LOCK, RP_PAGE, type ReaderStep } from './pc';

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

export const LOCK_STEP: ReaderStep = {
	id: 'RD_LOCK',
	label: 'take reader_lock',
	kernel: 'raw_spin_lock_irqsave',
	run(x, k) {
		const K = slotI(x.ring, k);
		if (!takeReaderLock(x.ring, x.ring.i32[K + K_STRUCT]!, k)) {
			if (x.verbose) x.note = 'reader_lock is held by another reader: spin.';
			return RD_LOCK;
		}
		if (x.verbose)
			x.note = 'reader_lock taken: no other reader can swap pages of this CPU now.';
		return firstStepOf(x.ring.i32[K + K_OP]!);
	}
};

export const UNLOCK_STEP: ReaderStep = {
	id: 'RD_UNLOCK',
	label: 'release reader_lock',
	kernel: 'raw_spin_unlock_irqrestore',
	run(x, k) {
		releaseReaderLock(x.ring, x.ring.i32[slotI(x.ring, k) + K_STRUCT]!, k);
		if (x.verbose) x.note = 'reader_lock released.';
		return RD_DONE;
	}
};

export const DONE_STEP: ReaderStep = {
	id: 'RD_DONE',
	label: 'done',
	kernel: '',
	run: () => RD_DONE
};
