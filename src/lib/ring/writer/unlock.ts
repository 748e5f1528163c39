/**
 * The writer's way out: the recursion unlock, after a committed event or a failed write.
 * Kernel: ring_buffer_unlock_commit, ring_buffer_lock_reserve's failure path (trace_recursive_unlock)
 * (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { RB_WRITE_MASK } from '../constants';
import { K_CTX, K_STRUCT } from '../context';
import { S_COMMIT_PAGE, S_COMMITTING, S_RECURSION } from '../layout';
import { subbufOff } from '../ring';
import { readCommit } from '../subbuf';
import { recursionBit, type Exec, type Regs } from './exec';
import { W } from './steps';

/** trace_recursive_unlock over values: clears context `ctx`'s recursion bit on struct SI. */
export function unlockAt(i32: Int32Array, SI: number, ctx: number): void {
	i32[SI + S_RECURSION] = i32[SI + S_RECURSION]! & ~recursionBit(ctx);
}

/** Clears this context's recursion bit; returns the struct's int32 index. */
function recursionUnlock(x: Exec, r: Regs): number {
	unlockAt(r.i32, r.SI, r.i[r.K + K_CTX]!);
	return r.SI;
}

/** Step 'unlock': recursion unlock, the event is committed. Kernel: ring_buffer_unlock_commit. */
export function unlockCommit(x: Exec, r: Regs): number {
	const SI = recursionUnlock(x, r);
	if (x.verbose) {
		// Readable or not is the commit's to say (rb_end_commit moves it only when the outermost
		// writer ends): say which, from the state, not from the step.
		const i32 = r.i32;
		const cp = i32[SI + S_COMMIT_PAGE]!;
		const at = readCommit(x.ring, subbufOff(x.ring, r.i[r.K + K_STRUCT]!, cp)) & RB_WRITE_MASK;
		x.note =
			i32[SI + S_COMMITTING]! > 0
				? `The write is complete, but its event is not readable yet: a writer it interrupted is still in flight, so the commit stays at byte ${at} of page ${cp} until that writer ends.`
				: `The write is complete and committed (commit at byte ${at} of page ${cp}): readers can take the event.`;
	}
	return W.done;
}

/** Step 'unlockFail': recursion unlock, the event was not written. */
export function unlockFail(x: Exec, r: Regs): number {
	recursionUnlock(x, r);
	if (x.verbose) x.note = 'The write failed.';
	return W.done;
}
