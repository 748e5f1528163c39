import { describe, expect, it } from 'vitest';
import {
	eventLine,
	hexDump,
	lostLine,
	nsToSeconds,
	traceLines
} from '../../../src/lib/text/trace-pipe';

describe('traceLines(cpu, events, missed)', () => {
	it('prints one trace_pipe line per event, with the time in seconds and 9 decimals', () => {
		expect(traceLines(2, [{ ts: 1_500_000_100, payload: '0102', lost: 0 }])).toEqual([
			'  ringlab-0 [002] ..... 1.500000100: 2 bytes 0102'
		]);
	});

	it('puts [LOST N EVENTS] before the first event after a loss, and a page’s count first', () => {
		const lines = traceLines(
			0,
			[
				{ ts: 100, payload: '00', lost: 0 },
				{ ts: 200, payload: '01', lost: 7 }
			],
			3
		);
		expect(lines[0]).toBe('CPU:0 [LOST 3 EVENTS]');
		expect(lines[2]).toBe('CPU:0 [LOST 7 EVENTS]');
		expect(lines).toHaveLength(4);
	});
});

describe('lostLine(cpu, count)', () => {
	it('says [LOST EVENTS] when the count is unknown (-1)', () => {
		expect(lostLine(1, -1)).toBe('CPU:1 [LOST EVENTS]');
	});
});

describe('eventLine(cpu, event) and nsToSeconds(ns)', () => {
	it('elides payloads longer than 8 bytes', () => {
		expect(eventLine(0, { ts: 0, payload: '00'.repeat(9) })).toMatch(/9 bytes 0{16}…$/);
		expect(nsToSeconds(0)).toBe('0.000000000');
	});
});

describe('hexDump(hex, perLine)', () => {
	it('prints offset, bytes and their ASCII, eight to a line by default', () => {
		expect(hexDump('0000000061626364' + '7a')).toEqual([
			'0000  00 00 00 00 61 62 63 64  ....abcd',
			'0008  7a                       z'
		]);
	});
});
