// The spare reader page (issue #16 item 4): a page ring_buffer_read_page handed out comes back as
// the reader file's spare and is swapped into the ring by the next whole-page read; a reset
// clears its commit but not its time_stamp. The engine keeps every sub-buffer in place and has no
// spare pages, so the time_stamp of an empty reader sub-buffer is not comparable: kernel diff
// says so (`# not compared:`) instead of reporting a difference. The record was made on 6.18.
import { describe, expect, test } from 'vitest';
import { compareWithEngine, formatDifference, SPARE_PAGE_STAMP } from '../../../src/kernel/compare';
import { capture } from './captures';

const record = () => capture('spare-page-stamp');

describe('the time_stamp of an empty reader sub-buffer', () => {
	test('differs (a spare page the kernel handed out before), and is named as not compared', () => {
		const rec = record();
		const reader = rec.steps[5]!.reader!;
		const bytes = Buffer.from(reader.hex, 'hex');
		expect(bytes.readUInt32LE(8) & 0x07ffffff).toBe(0); // no event on it
		expect(bytes.readBigUInt64LE(0)).not.toBe(0n); // but an old page's time
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences.map(formatDifference)).toEqual([]);
		expect(d.notCompared).toHaveLength(1);
		expect(d.notCompared[0]).toMatch(
			/^step 5 \(getReader\): reader sub-buffer \(ID 0\) of CPU 0 through the mapping, time_stamp \(kernel [0-9a-f]{16}, engine 0{16}\): /
		);
		expect(d.notCompared[0]!.endsWith(SPARE_PAGE_STAMP)).toBe(true);
	});

	test('a reader sub-buffer with events still has its time_stamp compared', () => {
		const rec = capture('map-get-reader');
		const st = rec.steps.find(
			(s) => s.reader && Buffer.from(s.reader.hex, 'hex').readUInt32LE(8) & 0x07ffffff
		)!;
		const b = Buffer.from(st.reader!.hex, 'hex');
		b[0] = b[0]! ^ 0x10;
		st.reader!.hex = b.toString('hex');
		const d = compareWithEngine(rec, rec.scenario.config);
		// (The engine takes its event times from that stamp, so the difference may show later.)
		expect(d.differences.length).toBeGreaterThan(0);
		expect(d.notCompared).toEqual([]);
	});
});
