/**
 * What step mode shows of each atomic step of a reader, in pc order (READER_PCS): its id, the
 * label the step log shows and the kernel function it mirrors. Each step's record (steps.ts,
 * READER_TABLE) takes its names from here and adds the function that runs it; this half carries no
 * code, so the page's code panel (lessons/code.ts) names steps without loading the readers.
 */
import type { ReaderStepId } from './pc';

/** A reader step's names. */
export interface ReaderStepName {
	readonly id: ReaderStepId;
	/** What the step does, in a few words (the step log's label). */
	readonly label: string;
	/** The kernel function it mirrors ('' for the end). */
	readonly kernel: string;
}

/** Every reader step's names, indexed by pc. */
export const READER_STEP_NAMES: readonly ReaderStepName[] = [
	{ id: 'RD_LOCK', label: 'take reader_lock', kernel: 'raw_spin_lock_irqsave' },
	{ id: 'G_START', label: 'irqs off, take cpu_buffer->lock', kernel: 'rb_get_reader_page' },
	{
		id: 'G_AGAIN',
		label: 'unread data on the reader page? anything to swap?',
		kernel: 'rb_get_reader_page'
	},
	{
		id: 'G_SPIN',
		label: 'find the head page, splice the reader page in front of it',
		kernel: 'rb_get_reader_page'
	},
	{
		id: 'G_SET_HEAD',
		label: 'reader page next -> HEAD; read overrun',
		kernel: 'rb_get_reader_page'
	},
	{
		id: 'G_REPLACE',
		label: 'cmpxchg link into head: (head|HEAD) -> reader page',
		kernel: 'rb_head_page_replace'
	},
	{
		id: 'G_FIX',
		label: 'new head prev -> reader page; old head is the reader page',
		kernel: 'rb_get_reader_page'
	},
	{ id: 'G_OUT', label: 'set read_stamp, drop cpu_buffer->lock', kernel: 'rb_get_reader_page' },
	{
		id: 'G_WAIT',
		label: 'wait while a writer is still moving off the page',
		kernel: 'rb_get_reader_page'
	},
	{ id: 'C_PEEK', label: 'peek at the next event', kernel: 'rb_buffer_peek' },
	{ id: 'C_EVENT', label: 'take the event and advance', kernel: 'ring_buffer_consume' },
	{ id: 'RP_PAGE', label: 'get the reader page', kernel: 'ring_buffer_read_page' },
	{
		id: 'RP_COPY',
		label: 'hand out the page: swap it, or copy its events',
		kernel: 'ring_buffer_read_page'
	},
	{ id: 'RD_UNLOCK', label: 'release reader_lock', kernel: 'raw_spin_unlock_irqrestore' },
	{ id: 'RD_DONE', label: 'done', kernel: '' },
	{
		id: 'GR_CONSUME',
		label: 'consume what is left on the reader page, or swap',
		kernel: 'ring_buffer_map_get_reader'
	},
	{
		id: 'GR_SWAPPED',
		label: "mark missed events in the new page's commit",
		kernel: 'ring_buffer_map_get_reader'
	},
	{ id: 'GR_OUT', label: 'refresh the meta page', kernel: 'rb_update_meta_page' },
	{
		id: 'GR_FLUSH',
		label: 'flush the reader page (after the unlock)',
		kernel: 'ring_buffer_map_get_reader'
	}
];

/** [label, kernel function] by pc, as the host's step records and the lessons read them. */
export const READER_STEPS: readonly (readonly [label: string, kernel: string])[] =
	READER_STEP_NAMES.map((s) => [s.label, s.kernel] as const);
