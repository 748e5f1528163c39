// The writer: one file per kernel function, the step table (steps.ts) and the fast paths
// (fast.ts). Export list only.
export {
	ADD_EXTEND,
	ADD_FORCE,
	recursionBit,
	WHY_COMMIT_OVERRUN,
	WHY_CPU_DISABLED,
	WHY_FULL,
	WHY_HEAD_ERROR,
	WHY_LOOPS,
	WHY_RECORD_OFF,
	WHY_RECURSION,
	WHY_SWAPPED,
	WHY_TOO_BIG,
	WRITE_FAIL_MESSAGES
} from './exec';
export type { Exec, Regs } from './exec';
export { resetTail } from './move-tail';
export { stepWriter, W, W_DONE, WRITER_STEP_TABLE, WRITER_STEPS } from './steps';
export type { WriterStep, WriterStepId } from './steps';
export { writeBurst, writeEvent, writeStepped } from './fast';
