import { describe, expect, it } from 'vitest';
import {
	loadWritten,
	newWriterControl,
	storeWritten,
	writerControl,
	WRITER_MAX_CPUS,
	WRITER_RUN
} from '../../../src/lib/worker/writer-control';

describe('writerControl', () => {
	it('starts set to run, with every count 0', () => {
		const c = writerControl(newWriterControl());
		expect(Atomics.load(c.run, 0)).toBe(WRITER_RUN);
		for (let cpu = 0; cpu < WRITER_MAX_CPUS; cpu++) expect(loadWritten(c, cpu)).toBe(0);
	});

	it('counts past 2^31 and 2^32 events without going negative (a writer flat out for minutes)', () => {
		const c = writerControl(newWriterControl());
		for (const n of [2 ** 31 + 5, 2 ** 32 + 7, 6_266_312_640]) {
			storeWritten(c, 3, n);
			expect(loadWritten(c, 3)).toBe(n);
		}
		expect(loadWritten(c, 2)).toBe(0);
		expect(loadWritten(c, 4)).toBe(0);
	});

	it('sees through a second view of the same block, as the page sees the writer Worker', () => {
		const sab = newWriterControl();
		storeWritten(writerControl(sab), 7, 2 ** 33);
		expect(loadWritten(writerControl(sab), 7)).toBe(2 ** 33);
	});
});
