// `consume` on the live kernel goes through per_cpu/cpuN/trace_pipe in the raw format (issue #16
// item 5): the text of one event is parsed back into its time, id and bytes, and the comparison
// checks the engine's ring_buffer_consume event by event. The stored record of
// consume-end-padding (made on Linux 6.18) holds the events trace_pipe printed.
import { describe, expect, test } from 'vitest';
import { compareWithEngine, formatDifference } from '../../../src/kernel/compare';
import { parsePipeEvent } from '../../../src/kernel/pipe';
import { capture } from './captures';

const record = () => capture('consume-end-padding');

describe('parsePipeEvent', () => {
	test('a raw trace_marker_raw line: pid, ns time, the id as written (little-endian), the bytes', () => {
		expect(parsePipeEvent('1034 0 40001348427864 # 4030201 buf: 61 62 00 00\n')).toEqual({
			pid: 1034,
			ts: 40001348427864,
			body: '0102030461620000'
		});
	});

	test("a lost-events line before it, and a line cut at the end of trace_pipe's buffer", () => {
		expect(parsePipeEvent('CPU:0 [LOST 5 EVENTS]\n7 0 100 # 8 buf: 61 62 63')).toEqual({
			pid: 7,
			ts: 100,
			body: '0800000061626' + '3',
			cut: true,
			lost: 5
		});
		expect(parsePipeEvent('CPU:1 [LOST EVENTS]\n7 1 100 # 8 buf:\n').lost).toBe(-1);
	});

	test('anything else is refused with the line', () => {
		expect(() => parsePipeEvent('ringlab-0 [000] 1.0: hello\n')).toThrow(
			/cannot read: ringlab-0/
		);
	});
});

describe("the engine's consume is compared with what trace_pipe consumed", () => {
	test('the stored 6.18 record: events read through trace_pipe, no difference', () => {
		const rec = record();
		const consume = rec.steps[1]!;
		expect(consume.op).toBe('consume');
		expect(consume.consumed).toHaveLength(8);
		expect(consume.pages).toBeUndefined();
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences.map(formatDifference)).toEqual([]);
	});

	test('a consumed event the engine did not take is reported at its index, naming trace_pipe', () => {
		const rec = record();
		const consume = rec.steps[5]!;
		expect(consume.consumed).toHaveLength(2);
		consume.consumed!.push({ ...consume.consumed![1]!, ts: consume.consumed![1]!.ts + 1 });
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(formatDifference(d.differences[0]!)).toMatch(
			/^step 5 \(consume\): event 3 consumed from CPU 0 \(trace_pipe\), event: kernel at \d+, engine none \(2 consumed\)/
		);
	});

	test('lost events the engine did not report name the field', () => {
		// (Times and bytes cannot be changed this way: the engine is fed the kernel's.)
		const rec = record();
		rec.steps[6]!.consumed![0]!.lost = 3;
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(formatDifference(d.differences[0]!)).toMatch(
			/^step 6 \(consume\): event 1 consumed from CPU 0 \(trace_pipe\), lost events: kernel 3, engine 0/
		);
	});
});
