// The control words shared by the page and its writer Workers: word 0 says run or stop, word 1 + cpu
// counts what that CPU's writer wrote (can be late).
export const WRITER_STOP = 0;
export const WRITER_RUN = 1;

export interface WriterStart {
	state: SharedArrayBuffer;
	control: SharedArrayBuffer;
	cpu: number;
	size: number;
	/** Events per second; 0 = as fast as it can. */
	rate: number;
}
