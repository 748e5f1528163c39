// Every mapped sub-buffer after every step (issue #16 item 7): the runner reads them all through
// its observer mapping, the comparison checks each against the engine's, and events that were
// later lost to overwrite are timed from them. The record was made on Linux 6.18.
import { describe, expect, test } from 'vitest';
import { compareWithEngine, formatDifference, timeWrites } from '../../../src/kernel/compare';
import { capture } from './captures';

const record = () => capture('mapped-subbufs');

describe('every mapped sub-buffer, after every step', () => {
	test("recorded for each step while mapped, and equal to the engine's", () => {
		const rec = record();
		const mapped = rec.steps.filter((s) => s.index >= 0 && s.index < 6);
		for (const s of mapped) expect(s.subbufs?.[0], `step ${s.index}`).toHaveLength(4);
		expect(rec.steps[7]!.subbufs).toBeUndefined(); // unmapped
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences.map(formatDifference)).toEqual([]);
	});

	test("events later lost to overwrite get the kernel's time from them", () => {
		const rec = record();
		expect(rec.steps.at(-1)!.stats[0]!.overrun).toBeGreaterThan(0);
		expect(timeWrites(rec).estimated).toBe(0);
		for (const s of rec.steps) delete s.subbufs;
		expect(timeWrites(rec).estimated).toBeGreaterThan(0);
	});

	test('a changed byte inside an event of a sub-buffer that is not the reader is reported', () => {
		const rec = record();
		const st = rec.steps[4]!;
		const readerId = Buffer.from(st.meta[0]!, 'hex').readUInt32LE(24); // reader.id
		const id = st.subbufs![0]!.findIndex(
			(h, i) => i !== readerId && Buffer.from(h, 'hex').readUInt32LE(8) & 0x07ffffff
		);
		expect(id).toBeGreaterThanOrEqual(0);
		const b = Buffer.from(st.subbufs![0]![id]!, 'hex');
		b[16 + 8 + 12 + 20] = b[16 + 8 + 12 + 20]! ^ 0xff; // a data byte of the first event
		st.subbufs![0]![id] = b.toString('hex');
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(formatDifference(d.differences[0]!)).toMatch(
			new RegExp(
				`^step 4 \\(write\\): sub-buffer ID ${id} of CPU 0 through the mapping at byte`
			)
		);
	});
});
