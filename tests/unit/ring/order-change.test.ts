// A sub-buffer order change replaces the pages but keeps every counter of the per-CPU buffer, as
// Linux 6.18 does (found by `ringlab kernel diff`, scenarios/kernel/order-change-keeps-counters):
// the unread events are gone yet still counted, and the invariants know it.
import { describe, expect, test } from 'vitest';
import { checkInvariants, Simulation } from '../../../src/lib/ring';

describe('subbufOrder keeps the counters (ring_buffer_subbuf_order_set)', () => {
	test('counters survive, unread events stay counted, a reset clears them', () => {
		const sim = new Simulation({ subbufsPerCpu: 3 });
		expect(sim.apply({ op: 'write', cpu: 0, size: 100, repeat: 50 }).ok).toBe(true);
		expect(sim.apply({ op: 'readPage', cpu: 0 }).ok).toBe(true);
		const before = sim.state().cpus[0]!.counters;
		expect(before.entries - before.overrun - before.read).toBeGreaterThan(0);
		expect(sim.apply({ op: 'subbufOrder', order: 1 }).ok).toBe(true);
		expect(sim.state().cpus[0]!.counters).toEqual(before);
		expect(checkInvariants(sim.ring)).toEqual([]);
		// Nothing is left to read, although entries - (overrun + read) is not 0.
		const r = sim.apply({ op: 'readPage', cpu: 0 });
		expect(r.page).toBeNull();
		expect(sim.apply({ op: 'write', cpu: 0, size: 100, repeat: 2 }).ok).toBe(true);
		expect(checkInvariants(sim.ring)).toEqual([]);
		expect((sim.apply({ op: 'consume', cpu: 0 }).events as unknown[]).length).toBe(2);
		expect(sim.apply({ op: 'reset', cpu: 0 }).ok).toBe(true);
		const after = sim.state().cpus[0]!.counters;
		expect(after.entries + after.read + after.overrun).toBe(0);
		expect(sim.apply({ op: 'write', cpu: 0, size: 8 }).ok).toBe(true);
		expect(checkInvariants(sim.ring)).toEqual([]);
	});

	test('then GET_READER: 6.12 counts entries and swaps an empty page in, 6.10 looks at the pages', () => {
		for (const kernel of ['6.10', '6.12'] as const) {
			const sim = new Simulation({ kernel, subbufsPerCpu: 3 });
			sim.apply({ op: 'write', cpu: 0, size: 12, repeat: 5 });
			sim.apply({ op: 'subbufOrder', order: 1 });
			expect(
				sim.apply({ op: 'map', cpu: 0, as: 'm', length: kernel === '6.12' ? 8192 : 4096 })
					.ok
			).toBe(true);
			expect(sim.apply({ op: 'getReader', cpu: 0 }).ok).toBe(true);
			const meta = sim.apply({ op: 'readMeta', map: 'm' }) as unknown as {
				reader: { id: number };
			};
			expect(meta.reader.id, kernel).toBe(kernel === '6.12' ? 1 : 0);
			expect(checkInvariants(sim.ring)).toEqual([]);
		}
	});
});
