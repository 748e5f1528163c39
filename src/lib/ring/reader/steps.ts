/**
 * The reader step machine: READER_TABLE holds one record per atomic step (id, label, kernel
 * function, run), in pc order, and stepReader runs the record of a context's pc. Three operations
 * share it: ring_buffer_consume (trace_pipe), ring_buffer_read_page (trace_pipe_raw) and
 * ring_buffer_map_get_reader (GET_READER), each under reader_lock, each calling rb_get_reader_page
 * (G_START .. G_WAIT) as a sub-machine that returns to K_GRP_RET.
 */
import { K_PC, K_STRUCT, slotF, slotI } from '../context';
import { CONSUME_STEPS } from './consume';
import { DONE_STEP, LOCK_STEP, UNLOCK_STEP } from './lock';
import { GET_READER_STEPS } from './map-get-reader';
import { READER_PCS, RD_DONE, type ReaderExec, type ReaderStep, type SlotAt } from './pc';
import { READ_PAGE_STEPS } from './read-page';
import { SWAP_STEPS_OF_READER } from './swap-steps';

/** Checks that every record sits at its own pc. */
function inPcOrder(steps: readonly ReaderStep[]): readonly ReaderStep[] {
	steps.forEach((step, pc) => {
		if (READER_PCS[step.id] !== pc)
			throw new Error(`reader step ${step.id} is not at pc ${pc}`);
	});
	return steps;
}

/** Every atomic step of a reader, indexed by pc. */
export const READER_TABLE: readonly ReaderStep[] = inPcOrder([
	LOCK_STEP,
	...SWAP_STEPS_OF_READER,
	...CONSUME_STEPS,
	...READ_PAGE_STEPS,
	UNLOCK_STEP,
	DONE_STEP,
	...GET_READER_STEPS
]);

export { READER_STEPS } from './step-names';

/** Runs one atomic step of the reader in slot k. Returns the pc executed. */
export function stepReader(x: ReaderExec, k: number): number {
	const K = slotI(x.ring, k);
	const pc = x.ring.i32[K + K_PC]!;
	const step = READER_TABLE[pc];
	const at: SlotAt = { k, K, F: slotF(x.ring, k), s: x.ring.i32[K + K_STRUCT]! };
	x.ring.i32[K + K_PC] = step ? step.run(x, at) : RD_DONE;
	return pc;
}
