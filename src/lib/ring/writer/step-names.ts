/**
 * What step mode shows of each atomic step of a write, in pc order: its id, the label the
 * scheduler shows and the kernel function it mirrors. steps.ts gives each its run function (one
 * record per step, WRITER_STEP_TABLE); this half carries no code, so the page's code panel
 * (lessons/code.ts) can name steps without loading the writer.
 */

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

/** A step's names: its id, the label the scheduler shows, the kernel function it mirrors. */
export interface WriterStepName {
	readonly id: WriterStepId;
	readonly label: string;
	/** The kernel function it mirrors ('' for the end). */
	readonly kernel: string;
}

/** The writer's atomic steps, in pc order (docs/design.md "Writer steps" is checked against it). */
export const WRITER_STEP_NAMES = [
	{
		id: 'lock',
		label: 'check recording, take recursion lock',
		kernel: 'ring_buffer_lock_reserve'
	},
	{ id: 'startCommit', label: 'committing++, commits++', kernel: 'rb_start_commit' },
	{ id: 'checkSwap', label: 'check the buffer was not swapped', kernel: 'rb_reserve_next_event' },
	{
		id: 'A',
		label: '[A] read tail page, write index, stamps, clock',
		kernel: '__rb_reserve_next'
	},
	{ id: 'B', label: '[B] before_stamp = ts', kernel: '__rb_reserve_next' },
	{
		id: 'C',
		label: '[C] local_add_return(length, &tail_page->write)',
		kernel: '__rb_reserve_next'
	},
	{ id: 'D', label: '[D] write_stamp = ts', kernel: '__rb_reserve_next' },
	{
		id: 'slow',
		label: 'slow path: new clock read, before_stamp = ts',
		kernel: '__rb_reserve_next'
	},
	{ id: 'E', label: '[E] read write_stamp', kernel: '__rb_reserve_next' },
	{ id: 'F', label: '[F] nothing came in after us? pick the delta', kernel: '__rb_reserve_next' },
	{
		id: 'update',
		label: 'write the event header, entries++ on the page',
		kernel: 'rb_update_event'
	},
	{ id: 'copy', label: 'copy the payload', kernel: 'ring_buffer_write' },
	{ id: 'commit', label: 'entries++', kernel: 'rb_commit' },
	{ id: 'endCheck', label: 'check committing', kernel: 'rb_end_commit' },
	{
		id: 'endSnap',
		label: 'snapshot commits; outermost writer moves the commit',
		kernel: 'rb_end_commit'
	},
	{
		id: 'commitPage',
		label: 'publish a full page, commit page forward',
		kernel: 'rb_set_commit_to_write'
	},
	{
		id: 'commitIndex',
		label: 'publish the commit index of the commit page',
		kernel: 'rb_set_commit_to_write'
	},
	{ id: 'commitAgain', label: 'did the tail move meanwhile?', kernel: 'rb_set_commit_to_write' },
	{ id: 'endDec', label: 'committing--', kernel: 'rb_end_commit' },
	{
		id: 'endRecheck',
		label: 'did an interrupt slip in? then commit again',
		kernel: 'rb_end_commit'
	},
	{
		id: 'unlock',
		label: 'recursion unlock: event committed',
		kernel: 'ring_buffer_unlock_commit'
	},
	{ id: 'mtNext', label: 'page full: is the next page the commit page?', kernel: 'rb_move_tail' },
	{ id: 'mtHead', label: 'is the next page the head page?', kernel: 'rb_move_tail' },
	{ id: 'hpUpdate', label: 'cmpxchg link HEAD -> UPDATE', kernel: 'rb_handle_head_page' },
	{ id: 'hpSetHead', label: 'cmpxchg next link NORMAL -> HEAD', kernel: 'rb_handle_head_page' },
	{
		id: 'hpCheckTail',
		label: 'did nested writers move the tail past us?',
		kernel: 'rb_handle_head_page'
	},
	{ id: 'hpClearUpdate', label: 'cmpxchg link UPDATE -> NORMAL', kernel: 'rb_handle_head_page' },
	{
		id: 'tuIntcnt',
		label: 'add RB_WRITE_INTCNT to next page write/entries',
		kernel: 'rb_tail_page_update'
	},
	{
		id: 'tuZero',
		label: 'zero next page write/entries, commit = 0',
		kernel: 'rb_tail_page_update'
	},
	{ id: 'tuMove', label: 'cmpxchg tail_page -> next page', kernel: 'rb_tail_page_update' },
	{ id: 'mtAgain', label: 'pad the old page, commit what we have', kernel: 'rb_move_tail' },
	{
		id: 'mtRestart',
		label: 'committing++ and retry the reservation',
		kernel: 'rb_reserve_next_event'
	},
	{
		id: 'mtResetFail',
		label: 'undo the reservation (padding), event dropped',
		kernel: 'rb_move_tail'
	},
	{
		id: 'unlockFail',
		label: 'recursion unlock: event not written',
		kernel: 'ring_buffer_lock_reserve'
	},
	{ id: 'done', label: 'done', kernel: '' }
] as const satisfies readonly WriterStepName[];

/** Every id has its record (a compile error names the one without). */
export const WRITER_STEP_IDS_COMPLETE: Exclude<
	WriterStepId,
	(typeof WRITER_STEP_NAMES)[number]['id']
> extends never
	? true
	: never = true;

/** The pc of every step by id: `W.C` is the pc of step [C]. */
export const W = Object.freeze(
	Object.fromEntries(WRITER_STEP_NAMES.map((s, pc) => [s.id, pc]))
) as Readonly<Record<WriterStepId, number>>;

/** The pc of the last step: a context whose K_PC holds it is done. */
export const W_DONE = W.done;

/** The table as [label, kernel function] rows indexed by pc, for hosts and step mode. */
export const WRITER_STEPS: readonly (readonly [label: string, kernel: string])[] =
	WRITER_STEP_NAMES.map((s) => [s.label, s.kernel] as const);
