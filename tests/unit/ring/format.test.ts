// Byte formats of kernel.md §1: record lengths, header bit layout, time extends, padding.
import { describe, expect, test } from 'vitest';
import { decodeRecords, Simulation } from '../../../src/lib/ring';
import { eventLength, headerWord } from '../../../src/lib/ring/format';

describe('eventLength(payload) (rb_calculate_event_length)', () => {
	test.each([
		[0, 8],
		[1, 8],
		[4, 8],
		[5, 16],
		[8, 16],
		[12, 16],
		[13, 20],
		[16, 20],
		[109, 116],
		[112, 116],
		[113, 124],
		[116, 124],
		[117, 128],
		[4072, 4080]
	])('a %i-byte payload takes %i bytes', (payload, bytes) => {
		expect(eventLength(payload)).toBe(bytes);
	});
});

describe('event headers', () => {
	test('headerWord puts type_len in bits 0-4 and time_delta in bits 5-31 (little-endian)', () => {
		expect(headerWord(3, 0) >>> 0).toBe(3);
		expect(headerWord(29, 1) >>> 0).toBe(29 | 32);
		expect(headerWord(1, 2 ** 27 - 1) >>> 0).toBe(0xffffffe1);
	});

	function firstPage(sim: Simulation) {
		const r = sim.apply({ op: 'readPage', cpu: 0 });
		const page = Buffer.from(r.page as string, 'hex');
		return { page, i32: new Int32Array(page.buffer, page.byteOffset, page.length / 4) };
	}

	test('small and large data records, and the sub-buffer header', () => {
		const sim = new Simulation({ clock: { startNs: 1000, stepNs: 10 } });
		sim.apply({ op: 'write', cpu: 0, payload: 'aabbccdd' });
		sim.apply({ op: 'write', cpu: 0, size: 200 });
		sim.apply({ op: 'write', cpu: 0, size: 4073 - 4073 + 1 }); // keep the page open
		sim.apply({ op: 'write', cpu: 0, size: 3900 }); // crosses: pads the page
		const { page, i32 } = firstPage(sim);
		expect(page.readBigUInt64LE(0)).toBe(1010n); // time_stamp = first event's time
		expect(page.readBigInt64LE(8)).toBe(8n + 208n + 8n); // commit: real_end, before the padding
		expect(i32[4]! >>> 0).toBe(1); // type_len 1, delta 0 (first event on the page)
		expect(page.subarray(20, 24).toString('hex')).toBe('aabbccdd');
		expect(i32[6]! & 0x1f).toBe(0); // large record: type_len 0
		expect(i32[6]! >>> 5).toBe(10); // delta 10 ns
		expect(i32[7]).toBe(204); // array[0] = record length - 4
	});

	test('a delta that does not fit in 27 bits gets a TIME_EXTEND record', () => {
		const sim = new Simulation();
		sim.apply({ op: 'write', cpu: 0, size: 4 });
		sim.apply({ op: 'write', cpu: 0, size: 4, deltaNs: 2 ** 27 + 5 });
		const { i32 } = firstPage(sim);
		const recs = decodeRecords(i32, 16, 0, 24, 100);
		expect(recs.map((r) => r.kind)).toEqual(['data', 'time_extend', 'data']);
		expect(recs[1]).toMatchObject({ value: 2 ** 27 + 5, length: 8 });
		expect(recs[2]!.ts).toBe(100 + 2 ** 27 + 5);
	});

	test('a page ending with fewer than 8 free bytes gets a null padding outside commit', () => {
		const sim = new Simulation();
		sim.apply({ op: 'write', cpu: 0, size: 4064 }); // 4072 bytes, 8 left
		sim.apply({ op: 'write', cpu: 0, size: 1 }); // exactly fills the page (8 bytes)
		sim.apply({ op: 'write', cpu: 0, size: 1 }); // next page
		const c = sim.state().cpus[0]!;
		expect(c.pages[1]).toMatchObject({ commit: 4080, realEnd: 0 });
		const sim2 = new Simulation();
		sim2.apply({ op: 'write', cpu: 0, size: 4068 }); // 4076 bytes, 4 left
		sim2.apply({ op: 'write', cpu: 0, size: 1 });
		expect(sim2.state().cpus[0]!.pages[1]).toMatchObject({ commit: 4076, realEnd: 4076 });
	});
});
