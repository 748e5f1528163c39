// The control words shared by the page and its writer Workers: an Int32 word 0 says run or stop
// (Atomics.wait needs an Int32Array), and from byte 8 one 64-bit count per CPU says how many events
// that CPU's writer wrote (can be late). The counts are 64-bit: a writer flat out passes 2^31
// events in about ten minutes, and a 32-bit word went negative there (issue 17's heap soak).
export const WRITER_STOP = 0;
export const WRITER_RUN = 1;

/** The most CPUs a control block counts for (the config's own limit is lower). */
export const WRITER_MAX_CPUS = 16;

const COUNTS_OFFSET = 8;

export interface WriterControl {
	/** Word 0: WRITER_RUN or WRITER_STOP. */
	run: Int32Array;
	/** One count per CPU. */
	counts: BigInt64Array;
}

/** A new control block, set to run. */
export function newWriterControl(): SharedArrayBuffer {
	const sab = new SharedArrayBuffer(COUNTS_OFFSET + 8 * WRITER_MAX_CPUS);
	Atomics.store(writerControl(sab).run, 0, WRITER_RUN);
	return sab;
}

/** The views of a control block made by newWriterControl. */
export function writerControl(sab: SharedArrayBuffer): WriterControl {
	return {
		run: new Int32Array(sab, 0, 1),
		counts: new BigInt64Array(sab, COUNTS_OFFSET, WRITER_MAX_CPUS)
	};
}

/** Publishes how many events `cpu`'s writer has written. */
export function storeWritten(c: WriterControl, cpu: number, written: number): void {
	Atomics.store(c.counts, cpu, BigInt(written));
}

/** How many events `cpu`'s writer has written so far (can be late). */
export function loadWritten(c: WriterControl, cpu: number): number {
	return Number(Atomics.load(c.counts, cpu));
}

export interface WriterStart {
	state: SharedArrayBuffer;
	control: SharedArrayBuffer;
	cpu: number;
	size: number;
	/** Events per second; 0 = as fast as it can. */
	rate: number;
}
