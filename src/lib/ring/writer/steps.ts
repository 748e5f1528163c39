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
export interface WriterStep {
	readonly id: WriterStepId;
	/** What the step does, as the scheduler and the step log show it. */
	readonly label: string;
	/** The kernel function it mirrors ('' for the end). */
	readonly kernel: string;
	/** Runs the step on the writer's registers; returns the pc of the next step (W.x). */
	readonly run: (x: Exec, r: Regs) => number;
}

/**
 * The id of a writer step: the kernel's labels A..F for __rb_reserve_next, the others named after
 * their function (end-* rb_end_commit, commit-* rb_set_commit_to_write, mt-* rb_move_tail, hp-*
 * rb_handle_head_page, tu-* rb_tail_page_update).
 */
export type WriterStepId =
	| 'lock'
	| 'startCommit'
	| 'checkSwap'
	| 'A'
	| 'B'
	| 'C'
	| 'D'
	| 'slow'
	| 'E'
	| 'F'
	| 'update'
	| 'copy'
	| 'commit'
	| 'endCheck'
	| 'endSnap'
	| 'commitPage'
	| 'commitIndex'
	| 'commitAgain'
	| 'endDec'
	| 'endRecheck'
	| 'unlock'
	| 'mtNext'
	| 'mtHead'
	| 'hpUpdate'
	| 'hpSetHead'
	| 'hpCheckTail'
	| 'hpClearUpdate'
	| 'tuIntcnt'
	| 'tuZero'
	| 'tuMove'
	| 'mtAgain'
	| 'mtRestart'
	| 'mtResetFail'
	| 'unlockFail'
	| 'done';

const done = (): number => W.done;

/** The writer's atomic steps, in pc order (docs/design.md "Writer steps" is checked against it). */
export const WRITER_STEP_TABLE = [
	{
		id: 'lock',
		label: 'check recording, take recursion lock',
		kernel: 'ring_buffer_lock_reserve',
		run: lockReserve
	},
	{
		id: 'startCommit',
		label: 'committing++, commits++',
		kernel: 'rb_start_commit',
		run: startCommit
	},
	{
		id: 'checkSwap',
		label: 'check the buffer was not swapped',
		kernel: 'rb_reserve_next_event',
		run: checkSwap
	},
	{
		id: 'A',
		label: '[A] read tail page, write index, stamps, clock',
		kernel: '__rb_reserve_next',
		run: reserveA
	},
	{ id: 'B', label: '[B] before_stamp = ts', kernel: '__rb_reserve_next', run: reserveB },
	{
		id: 'C',
		label: '[C] local_add_return(length, &tail_page->write)',
		kernel: '__rb_reserve_next',
		run: reserveC
	},
	{ id: 'D', label: '[D] write_stamp = ts', kernel: '__rb_reserve_next', run: reserveD },
	{
		id: 'slow',
		label: 'slow path: new clock read, before_stamp = ts',
		kernel: '__rb_reserve_next',
		run: reserveSlow
	},
	{ id: 'E', label: '[E] read write_stamp', kernel: '__rb_reserve_next', run: reserveE },
	{
		id: 'F',
		label: '[F] nothing came in after us? pick the delta',
		kernel: '__rb_reserve_next',
		run: reserveF
	},
	{
		id: 'update',
		label: 'write the event header, entries++ on the page',
		kernel: 'rb_update_event',
		run: updateEvent
	},
	{ id: 'copy', label: 'copy the payload', kernel: 'ring_buffer_write', run: copyStep },
	{ id: 'commit', label: 'entries++', kernel: 'rb_commit', run: rbCommit },
	{ id: 'endCheck', label: 'check committing', kernel: 'rb_end_commit', run: endCommitCheck },
	{
		id: 'endSnap',
		label: 'snapshot commits; outermost writer moves the commit',
		kernel: 'rb_end_commit',
		run: endCommitSnap
	},
	{
		id: 'commitPage',
		label: 'publish a full page, commit page forward',
		kernel: 'rb_set_commit_to_write',
		run: setCommitPage
	},
	{
		id: 'commitIndex',
		label: 'publish the commit index of the commit page',
		kernel: 'rb_set_commit_to_write',
		run: setCommitIndex
	},
	{
		id: 'commitAgain',
		label: 'did the tail move meanwhile?',
		kernel: 'rb_set_commit_to_write',
		run: setCommitAgain
	},
	{ id: 'endDec', label: 'committing--', kernel: 'rb_end_commit', run: endCommitDec },
	{
		id: 'endRecheck',
		label: 'did an interrupt slip in? then commit again',
		kernel: 'rb_end_commit',
		run: endCommitRecheck
	},
	{
		id: 'unlock',
		label: 'recursion unlock: event committed',
		kernel: 'ring_buffer_unlock_commit',
		run: unlockCommit
	},
	{
		id: 'mtNext',
		label: 'page full: is the next page the commit page?',
		kernel: 'rb_move_tail',
		run: moveTailNext
	},
	{
		id: 'mtHead',
		label: 'is the next page the head page?',
		kernel: 'rb_move_tail',
		run: moveTailHead
	},
	{
		id: 'hpUpdate',
		label: 'cmpxchg link HEAD -> UPDATE',
		kernel: 'rb_handle_head_page',
		run: headPageUpdate
	},
	{
		id: 'hpSetHead',
		label: 'cmpxchg next link NORMAL -> HEAD',
		kernel: 'rb_handle_head_page',
		run: headPageSetHead
	},
	{
		id: 'hpCheckTail',
		label: 'did nested writers move the tail past us?',
		kernel: 'rb_handle_head_page',
		run: headPageCheckTail
	},
	{
		id: 'hpClearUpdate',
		label: 'cmpxchg link UPDATE -> NORMAL',
		kernel: 'rb_handle_head_page',
		run: headPageClearUpdate
	},
	{
		id: 'tuIntcnt',
		label: 'add RB_WRITE_INTCNT to next page write/entries',
		kernel: 'rb_tail_page_update',
		run: tailPageMark
	},
	{
		id: 'tuZero',
		label: 'zero next page write/entries, commit = 0',
		kernel: 'rb_tail_page_update',
		run: tailPageZero
	},
	{
		id: 'tuMove',
		label: 'cmpxchg tail_page -> next page',
		kernel: 'rb_tail_page_update',
		run: tailPageMove
	},
	{
		id: 'mtAgain',
		label: 'pad the old page, commit what we have',
		kernel: 'rb_move_tail',
		run: moveTailAgain
	},
	{
		id: 'mtRestart',
		label: 'committing++ and retry the reservation',
		kernel: 'rb_reserve_next_event',
		run: retryReserve
	},
	{
		id: 'mtResetFail',
		label: 'undo the reservation (padding), event dropped',
		kernel: 'rb_move_tail',
		run: moveTailResetFail
	},
	{
		id: 'unlockFail',
		label: 'recursion unlock: event not written',
		kernel: 'ring_buffer_lock_reserve',
		run: unlockFail
	},
	{ id: 'done', label: 'done', kernel: '', run: done }
] as const satisfies readonly WriterStep[];

/** Every id has its record (a compile error names the one without). */
export const WRITER_STEP_IDS_COMPLETE: Exclude<
	WriterStepId,
	(typeof WRITER_STEP_TABLE)[number]['id']
> extends never
	? true
	: never = true;

/** The pc of every step by id: `W.C` is the pc of step [C]. */
export const W = Object.freeze(
	Object.fromEntries(WRITER_STEP_TABLE.map((s, pc) => [s.id, pc]))
) as Readonly<Record<WriterStepId, number>>;

/** The pc of the last step: a context whose K_PC holds it is done. */
export const W_DONE = W.done;

/** The table as [label, kernel function] rows indexed by pc, for hosts and step mode. */
export const WRITER_STEPS: readonly (readonly [label: string, kernel: string])[] =
	WRITER_STEP_TABLE.map((s) => [s.label, s.kernel] as const);

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
