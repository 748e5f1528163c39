/**
 * The writer's step table: every atomic step of a write, in one place, as one record: its id, the
 * label the scheduler shows, the kernel function it mirrors, and the function that runs it. A step's
 * pc is its index here. The step machine (stepWriter) runs one record per call; the fast paths
 * (fast.ts) call the same functions by name, back to back.
 * Path: ring_buffer_lock_reserve -> rb_reserve_next_event -> __rb_reserve_next (rb_move_tail,
 * rb_handle_head_page, rb_tail_page_update, rb_reset_tail on a page crossing) -> payload copy ->
 * ring_buffer_unlock_commit (rb_commit, rb_end_commit, rb_set_commit_to_write).
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18.
 *
 * Each run is exactly one atomic step: one load-and-decide, one store, one cmpxchg or one
 * local_add. Between any two steps another context may run: a nested IRQ or NMI writer on the same
 * CPU (which must finish before this one resumes), or a reader on another CPU.
 */
import { K_PC, K_RET_PC } from '../context';
import { W, W_DONE, WRITER_STEP_NAMES, type WriterStepId, type WriterStepName } from './step-names';
import { slotRegs, type Exec, type Regs } from './exec';
import { checkSwap, lockReserve, retryReserve, startCommit } from './lock-reserve';
import {
	endCommitCheck,
	endCommitDec,
	endCommitRecheck,
	endCommitSnap,
	rbCommit,
	setCommitAgain,
	setCommitIndex,
	setCommitPage
} from './commit';
import {
	headPageCheckTail,
	headPageClearUpdate,
	headPageSetHead,
	headPageUpdate
} from './head-page';
import { moveTailAgain, moveTailHead, moveTailNext, moveTailResetFail } from './move-tail';
import { reserveA, reserveB, reserveC, reserveD, reserveE, reserveF, reserveSlow } from './reserve';
import { tailPageMark, tailPageMove, tailPageZero } from './tail-page';
import { unlockCommit, unlockFail } from './unlock';
import { copyStep, updateEvent } from './update';

/** One atomic step of the writer. */
export interface WriterStep extends WriterStepName {
	/** Runs the step on the writer's registers; returns the pc of the next step (W.x). */
	readonly run: (x: Exec, r: Regs) => number;
}

const done = (): number => W.done;

/** Each step's run function, by id. */
const RUN: Record<WriterStepId, WriterStep['run']> = {
	lock: lockReserve,
	startCommit: startCommit,
	checkSwap: checkSwap,
	A: reserveA,
	B: reserveB,
	C: reserveC,
	D: reserveD,
	slow: reserveSlow,
	E: reserveE,
	F: reserveF,
	update: updateEvent,
	copy: copyStep,
	commit: rbCommit,
	endCheck: endCommitCheck,
	endSnap: endCommitSnap,
	commitPage: setCommitPage,
	commitIndex: setCommitIndex,
	commitAgain: setCommitAgain,
	endDec: endCommitDec,
	endRecheck: endCommitRecheck,
	unlock: unlockCommit,
	mtNext: moveTailNext,
	mtHead: moveTailHead,
	hpUpdate: headPageUpdate,
	hpSetHead: headPageSetHead,
	hpCheckTail: headPageCheckTail,
	hpClearUpdate: headPageClearUpdate,
	tuIntcnt: tailPageMark,
	tuZero: tailPageZero,
	tuMove: tailPageMove,
	mtAgain: moveTailAgain,
	mtRestart: retryReserve,
	mtResetFail: moveTailResetFail,
	unlockFail: unlockFail,
	done: done
};

/**
 * The writer's atomic steps, in pc order: one record per step, its names (step-names.ts) with the
 * function that runs it.
 */
export const WRITER_STEP_TABLE: readonly WriterStep[] = WRITER_STEP_NAMES.map((n) => ({
	...n,
	run: RUN[n.id]
}));

/** Where rb_end_commit returns to (K_RET_PC, a pc): a subroutine's return address. */
export function setReturn(r: Regs, pc: number): void {
	r.i[r.K + K_RET_PC] = pc;
}

/** The pc rb_end_commit returns to. */
export function returnTo(r: Regs): number {
	return r.i[r.K + K_RET_PC]!;
}

/** Runs step `pc` on registers `r` (the table's dispatch); returns the next step's pc. */
export function runStep(x: Exec, r: Regs, pc: number): number {
	const step: WriterStep | undefined = WRITER_STEP_TABLE[pc];
	return step ? step.run(x, r) : W_DONE;
}

/** Runs the next atomic step of the writer in slot k. Returns the pc that was executed. */
export function stepWriter(x: Exec, k: number): number {
	const r = slotRegs(x.ring, k);
	const pc = r.i[r.K + K_PC]!;
	r.i[r.K + K_PC] = runStep(x, r, pc);
	return pc;
}

export { W, W_DONE, WRITER_STEPS, WRITER_STEP_NAMES } from './step-names';
export type { WriterStepId, WriterStepName } from './step-names';
