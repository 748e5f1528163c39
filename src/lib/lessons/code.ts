/**
 * Teaching data for step mode: each context's operation as short pseudo-code in our own words (not
 * the kernel's code), a map from every atomic step of the engine's step tables (the writer's by step
 * id, READER_STEPS and SWAP_STEPS by pc) to the line to highlight and the kernel function it
 * mirrors, and per step one sentence on why it matters, to follow the engine's note of what just
 * happened.
 * DOM-free: the page and tests read it.
 */
import type { ReaderStepId } from '../ring/reader';
import { READER_STEP_NAMES, READER_STEPS } from '../ring/reader/step-names';
import { SWAP_STEPS } from '../ring/snapshot';
import type { StepRecord } from '../ring/simulation';
import type { SpawnableStep } from '../ring/steps';
import { WRITER_STEP_NAMES, WRITER_STEPS, type WriterStepId } from '../ring/writer/step-names';

export type ProgramId =
	'write' | 'move-tail' | 'reader-page' | 'consume' | 'read-page' | 'get-reader' | 'swap';

export interface Program {
	id: ProgramId;
	title: string;
	/** The kernel function the whole program mirrors. */
	kernel: string;
	lines: readonly string[];
}

export const PROGRAMS: Record<ProgramId, Program> = {
	write: {
		id: 'write',
		title: 'A writer: reserve, then commit',
		kernel: 'ring_buffer_write',
		lines: [
			'if recording is off, or this level is already writing: give up',
			'committing++, commits++      // a snapshot swap now refuses this CPU',
			"if this CPU's buffer was swapped away meanwhile: back out",
			'[A] look at the tail page, its write index, the stamps; read the clock',
			'[B] before_stamp = now      // an interrupt will see it differ',
			'[C] end = atomically add my length to tail.write   // the reservation',
			'[D] write_stamp = now (interrupted between A and C? read the clock again)',
			'[E] [F] did anyone write after me? then pick my time delta',
			"if my event runs past the page's end: cross to the next page",
			'write the event header and copy the payload',
			'entries++; the outermost writer moves the commit up to the tail',
			'committing--; if an interrupt slipped in, commit again; unlock'
		]
	},
	'move-tail': {
		id: 'move-tail',
		title: 'Crossing to the next page (and pushing the head)',
		kernel: 'rb_move_tail',
		lines: [
			'next = the page after the tail',
			'if next is the commit page: interrupts filled the buffer, drop my event',
			'if next is the head page:',
			'    overwrite off: drop my event (dropped_events)',
			'    claim it: the link into it goes HEAD -> UPDATE',
			'    the page after it becomes the HEAD; its old events are lost (overrun)',
			'    if nested writers moved the tail past us meanwhile: undo that HEAD',
			'    the link goes UPDATE -> NORMAL: the push is done',
			'mark next as busy, empty it, then tail = next (cmpxchg)',
			'pad the rest of the old page and commit it',
			'retry the reservation on the new tail page',
			'(could not move) undo the reservation: the event is dropped'
		]
	},
	'reader-page': {
		id: 'reader-page',
		title: 'The reader-page swap',
		kernel: 'rb_get_reader_page',
		lines: [
			"interrupts off, take this CPU's buffer lock",
			'if the reader page still has unread data: read that',
			'if nothing was committed past it: there is nothing to read',
			'find the head page; splice the reader page in just before it',
			"the reader page's next link gets the HEAD flag; note overrun",
			'cmpxchg the link into the head: now it points to the reader page',
			'the old head page is the new reader page; the head moves on',
			'note the events lost since the last swap; unlock',
			'wait while a writer is still moving off that page'
		]
	},
	consume: {
		id: 'consume',
		title: 'A reader takes events (trace_pipe)',
		kernel: 'ring_buffer_consume',
		lines: [
			'take reader_lock          // one reader per CPU at a time',
			'page = get the reader page (swap one in if this one is used up)',
			'peek at the next event; skip padding',
			'take it: read++, advance on the page',
			'repeat until enough events, or none are left',
			'release reader_lock'
		]
	},
	'read-page': {
		id: 'read-page',
		title: 'A reader takes a whole page (trace_pipe_raw)',
		kernel: 'ring_buffer_read_page',
		lines: [
			'take reader_lock',
			'page = get the reader page (swap one in if this one is used up)',
			'if that page is complete and not mapped: hand it out whole, a spare takes its place',
			'otherwise copy its unread events out',
			'release reader_lock'
		]
	},
	'get-reader': {
		id: 'get-reader',
		title: 'User space asks for the next page (GET_READER)',
		kernel: 'ring_buffer_map_get_reader',
		lines: [
			'take reader_lock',
			'unread bytes on the reader page? count them as read: user space has them',
			'otherwise swap in a new reader page (the reader-page swap)',
			"events lost? flag RB_MISSED_EVENTS in the new page's commit",
			'refresh the meta page: reader.id, reader.read, the counters',
			'release reader_lock'
		]
	},
	swap: {
		id: 'swap',
		title: "Swapping a CPU's buffer with the snapshot buffer",
		kernel: 'ring_buffer_swap_cpu',
		lines: [
			'check both per-CPU buffers exist and have the same size',
			'record_disabled++ on both    // new writers are refused',
			'if a writer is committing on either: EBUSY',
			'exchange buffers[cpu] of the live and the snapshot buffer',
			'exchange the back pointers (cpu_buffer->buffer)',
			'record_disabled-- on both'
		]
	}
};

/** Where one atomic step is: the program shown, the line lit, the kernel function named. */
export interface CodeLine {
	program: ProgramId;
	/** 0-based index into the program's lines. */
	line: number;
	kernel: string;
	/** The step's label in the engine's table. */
	label: string;
	/** Why this step matters, in one sentence. */
	why: string;
}

type At = readonly [ProgramId, number, string];

// The writer's steps by id (WRITER_STEP_TABLE): [program, line, why it matters]
const WRITER_CODE: Readonly<Record<WriterStepId, At>> = {
	lock: [
		'write',
		0,
		'An interrupt that is already writing at this level cannot start a second write.'
	],
	startCommit: [
		'write',
		1,
		'While committing is above zero the buffer cannot be swapped out under this writer.'
	],
	checkSwap: [
		'write',
		2,
		'A writer must never reserve in a buffer that is no longer the live one.'
	],
	A: ['write', 3, 'Everything read here may change under us if an interrupt writes before [C].'],
	B: [
		'write',
		4,
		'A nested writer compares before_stamp with write_stamp to know it interrupted us.'
	],
	C: [
		'write',
		5,
		'This one atomic add is the reservation: the bytes are ours even if an interrupt writes next.'
	],
	D: [
		'write',
		6,
		'Equal stamps tell later writers that no one is half-way through a reservation.'
	],
	slow: [
		'write',
		6,
		'We were interrupted before reserving, so our time must be read again to stay in order.'
	],
	E: ['write', 7, 'write_stamp tells us whether someone wrote after our reservation.'],
	F: [
		'write',
		7,
		"The delta ties this event's time to the one before it; a wrong one breaks time order."
	],
	update: ['write', 9, 'Readers stop at entries and commit, so the event is still invisible.'],
	copy: [
		'write',
		9,
		'The payload is in place, but readers cannot see it until the commit moves.'
	],
	commit: [
		'write',
		10,
		'The event is counted; it becomes readable only when the commit reaches it.'
	],
	endCheck: [
		'write',
		11,
		'committing tells the outermost writer whether it must move the commit.'
	],
	endSnap: [
		'write',
		10,
		'Only the outermost writer moves the commit, so nested writers never publish half-written data.'
	],
	commitPage: [
		'write',
		10,
		'The commit page lags the tail while interrupts fill pages; here it catches up page by page.'
	],
	commitIndex: ['write', 10, 'Publishing the commit index is what makes the data readable.'],
	commitAgain: [
		'write',
		10,
		'An interrupt may have written more while we published: we must not leave it uncommitted.'
	],
	endDec: ['write', 11, 'After this an interrupt would commit its own data itself.'],
	endRecheck: [
		'write',
		11,
		'An interrupt between the last check and committing-- would otherwise leave data uncommitted.'
	],
	unlock: [
		'write',
		11,
		'Readers see an event once the commit has passed it, not when its writer ends.'
	],
	mtNext: [
		'move-tail',
		0,
		'The event did not fit: the writer must move the tail to the next page.'
	],
	mtHead: ['move-tail', 2, 'Moving onto the head page means overwriting the oldest data.'],
	hpUpdate: [
		'move-tail',
		4,
		'UPDATE claims the head page for this writer: readers and other writers see the push is under way.'
	],
	hpSetHead: ['move-tail', 5, 'The oldest unread page is given up: its events count as overrun.'],
	hpCheckTail: [
		'move-tail',
		6,
		'Interrupts may have pushed the head and moved the tail while we were stopped.'
	],
	hpClearUpdate: ['move-tail', 7, 'With the flag NORMAL again exactly one HEAD remains.'],
	tuIntcnt: ['move-tail', 8, 'Marks the page so a nested writer knows it is being taken over.'],
	tuZero: ['move-tail', 8, 'The new tail page starts empty.'],
	tuMove: ['move-tail', 8, 'After this cmpxchg new reservations go to the new page.'],
	mtAgain: ['move-tail', 9, 'The old page ends with padding so readers skip the unused bytes.'],
	mtRestart: ['move-tail', 10, 'The reservation starts again, now on the new page.'],
	mtResetFail: [
		'move-tail',
		11,
		'The event is lost: counted in commit_overrun or dropped_events.'
	],
	unlockFail: ['write', 0, 'The write is over and another write at this level may start.'],
	done: ['write', 11, 'This writer is finished.']
};

// READER_TABLE's steps by id. 'main': the operation's own program (consume, read-page, get-reader).
type ReaderAt = readonly [ProgramId | 'main', number | MainLine, string];
type MainLine = 'lock' | 'get' | 'unlock' | 'end';
const MAIN_LINES: Record<'consume' | 'read-page' | 'get-reader', Record<MainLine, number>> = {
	consume: { lock: 0, get: 1, unlock: 5, end: 5 },
	'read-page': { lock: 0, get: 1, unlock: 4, end: 4 },
	'get-reader': { lock: 0, get: 2, unlock: 5, end: 5 }
};
const READER_CODE: Record<ReaderStepId, ReaderAt> = {
	RD_LOCK: [
		'main',
		'lock',
		'Only one reader may swap pages of a CPU at a time; writers never take this lock.'
	],
	G_START: [
		'reader-page',
		0,
		'Writers on this CPU cannot run now, but writers elsewhere can still act on the pointers.'
	],
	G_AGAIN: ['reader-page', 1, 'A swap is only needed once the reader page is used up.'],
	G_SPIN: [
		'reader-page',
		3,
		'The reader page is about to enter the ring where the head page is.'
	],
	G_SET_HEAD: [
		'reader-page',
		4,
		'The HEAD flag must be ready on the link that will lead into the new head.'
	],
	G_REPLACE: [
		'reader-page',
		5,
		'This cmpxchg is the swap: it fails if a writer is pushing the head right now.'
	],
	G_FIX: [
		'reader-page',
		6,
		'The reader owns the old head page now; writers can never write into it.'
	],
	G_OUT: ['reader-page', 7, 'Lost events are reported to whoever reads this page next.'],
	G_WAIT: [
		'reader-page',
		8,
		'A writer that was still moving off the page must finish before it is read.'
	],
	C_PEEK: [
		'consume',
		2,
		'The reader looks without taking, so a padding record or an empty buffer changes nothing.'
	],
	C_EVENT: [
		'consume',
		3,
		'read++ and the page moves on: the event is consumed, never seen again.'
	],
	RP_PAGE: [
		'read-page',
		1,
		'A page can only be handed out from the reader page, outside the ring.'
	],
	RP_COPY: [
		'read-page',
		2,
		'A whole page changes hands without copying when it is complete and not mapped.'
	],
	RD_UNLOCK: ['main', 'unlock', 'Another reader or a GET_READER may now swap pages of this CPU.'],
	RD_DONE: ['main', 'end', 'The operation is over.'],
	GR_CONSUME: [
		'get-reader',
		1,
		'User space reads through the mapping; the kernel only counts what it handed over.'
	],
	GR_SWAPPED: ['get-reader', 3, 'User space learns about lost events from the page itself.'],
	GR_OUT: [
		'get-reader',
		4,
		'The meta page is how user space sees the reader page and the counters.'
	],
	GR_FLUSH: [
		'get-reader',
		5,
		'Flushed after the unlock, reader_page may already be another page: flush under the lock.'
	]
};

const SWAP_CODE: readonly At[] = [
	['swap', 0, 'Buffers of different sizes or with recording off cannot be swapped.'],
	[
		'swap',
		1,
		'New writers on either buffer are refused from now on; one already past the check is not.'
	],
	['swap', 2, 'A writer between reserve and commit would commit into the wrong buffer: refuse.'],
	['swap', 3, 'From here readers and new writers of this CPU use the other buffer.'],
	['swap', 4, 'Each per-CPU buffer now knows which buffer it belongs to; a writer checks this.'],
	['swap', 5, 'Writers may use both buffers again.'],
	['swap', 5, 'The swap is over.']
];

export type StepTable = 'writer' | 'reader' | 'swap';

/** The step table an operation's context runs. */
export function tableOf(op: SpawnableStep['op']): StepTable {
	return op === 'write' ? 'writer' : op === 'snapshot' ? 'swap' : 'reader';
}

/** The program a context's lane shows first for its operation. */
export function programOf(op: SpawnableStep['op']): Program {
	const id: ProgramId =
		op === 'write'
			? 'write'
			: op === 'snapshot'
				? 'swap'
				: op === 'consume'
					? 'consume'
					: op === 'readPage'
						? 'read-page'
						: 'get-reader';
	return PROGRAMS[id];
}

/**
 * The line to light for atomic step `pc` of an operation's context (the pc a context is about to
 * run, as `Simulation.contexts()` reports, or the one a step record came from). Undefined for a pc
 * outside its table.
 */
export function codeAt(op: SpawnableStep['op'], pc: number): CodeLine | undefined {
	const table = tableOf(op);
	if (table === 'writer') {
		const step = WRITER_STEP_NAMES[pc];
		if (!step) return undefined;
		const [program, line, why] = WRITER_CODE[step.id];
		return { program, line, kernel: step.kernel, label: step.label, why };
	}
	if (table === 'swap') {
		const at = SWAP_CODE[pc];
		const step = SWAP_STEPS[pc];
		if (!at || !step) return undefined;
		return { program: at[0], line: at[1], kernel: step[1], label: step[0], why: at[2] };
	}
	const step = READER_STEP_NAMES[pc];
	if (!step) return undefined;
	const at = READER_CODE[step.id];
	const main = programOf(op).id as 'consume' | 'read-page' | 'get-reader';
	const [prog, line, why] = at;
	if (prog === 'main')
		return {
			program: main,
			line: MAIN_LINES[main][line as MainLine],
			kernel: step.kernel,
			label: step.label,
			why
		};
	return { program: prog, line: line as number, kernel: step.kernel, label: step.label, why };
}

/** The pc of a step record's label in an operation's table (labels are unique per table). */
export function pcOfLabel(op: SpawnableStep['op'], label: string): number {
	const t = tableOf(op);
	const steps = t === 'writer' ? WRITER_STEPS : t === 'swap' ? SWAP_STEPS : READER_STEPS;
	return steps.findIndex(([l]) => l === label);
}

/**
 * "What just happened and why it matters" for a step record: the engine's note (what happened,
 * with the numbers) followed by why it matters. Falls back to the label when the note is empty.
 */
export function narrateStep(op: SpawnableStep['op'], rec: StepRecord): string {
	const at = codeAt(op, pcOfLabel(op, rec.label));
	const what = rec.note || `${rec.label[0]!.toUpperCase()}${rec.label.slice(1)}.`;
	return at ? `${what} ${at.why}` : what;
}

/** The step tables, for tests that check every pc is covered. */
export const STEP_TABLES: Record<StepTable, readonly (readonly [string, string])[]> = {
	writer: WRITER_STEPS,
	reader: READER_STEPS,
	swap: SWAP_STEPS
};
