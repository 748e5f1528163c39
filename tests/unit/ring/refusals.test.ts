// Every refusal: the kernel's errno by name, a plain-words message, and a state byte-identical to
// the one before (the engine checks before it changes anything).
import { describe, expect, test } from 'vitest';
import { Simulation } from '../../../src/lib/ring';

function bytes(sim: Simulation): Uint8Array {
	return new Uint8Array(sim.ring.buf.slice(0));
}

/** A simulation with some history: events written, a page swapped, a paused reader holding the lock. */
function busySim(): Simulation {
	const sim = new Simulation({ cpus: 2, subbufsPerCpu: 3 });
	sim.apply({ op: 'write', cpu: 0, size: 100, repeat: 60 });
	sim.apply({ op: 'consume', cpu: 0, count: 5 });
	sim.apply({ op: 'spawn', as: 'r', cpu: 1, ctx: 'reader', do: { op: 'consume', cpu: 1 } });
	sim.apply({ op: 'step', ctx: 'r' }); // r holds CPU 1's reader_lock
	sim.apply({ op: 'spawn', as: 'w', cpu: 0, ctx: 'irq', do: { op: 'write', cpu: 0, size: 8 } });
	sim.apply({ op: 'step', ctx: 'w', n: 3 }); // an IRQ writer in flight on CPU 0
	sim.apply({
		op: 'spawn',
		as: 'idle',
		cpu: 0,
		ctx: 'task',
		do: { op: 'write', cpu: 0, size: 8 }
	});
	return sim;
}

const cases: [name: string, step: unknown, errno: string][] = [
	['write larger than a sub-buffer holds', { op: 'write', cpu: 1, size: 4073 }, 'EINVAL'],
	['write at a time before the clock', { op: 'write', cpu: 1, size: 8, at: 1 }, 'EINVAL'],
	['write to a CPU that does not exist', { op: 'write', cpu: 2, size: 8 }, 'EINVAL'],
	['write with neither payload nor size', { op: 'write', cpu: 1 }, 'EINVAL'],
	['write with a payload that is not hex', { op: 'write', cpu: 1, payload: 'xyz' }, 'EINVAL'],
	['task write interrupting an IRQ writer', { op: 'write', cpu: 0, size: 8 }, 'EINVAL'],
	['clock going backwards', { op: 'clock', setNs: 0 }, 'EINVAL'],
	['consume while a paused reader holds reader_lock', { op: 'consume', cpu: 1 }, 'EBUSY'],
	['readPage while a paused reader holds reader_lock', { op: 'readPage', cpu: 1 }, 'EBUSY'],
	['resize to zero sub-buffers', { op: 'resize', cpu: 1, subbufs: 0 }, 'EINVAL'],
	['resize beyond what ringlab simulates', { op: 'resize', cpu: 1, subbufs: 100000 }, 'EINVAL'],
	['resize while a writer is in flight', { op: 'resize', cpu: 0, subbufs: 5 }, 'EBUSY'],
	['resize all while a reader is in flight', { op: 'resize', cpu: 'all', subbufs: 5 }, 'EBUSY'],
	['sub-buffer order out of range', { op: 'subbufOrder', order: 9 }, 'EINVAL'],
	['negative sub-buffer order', { op: 'subbufOrder', order: -1 }, 'EINVAL'],
	['sub-buffer order change while contexts run', { op: 'subbufOrder', order: 1 }, 'EBUSY'],
	['reset while a writer is in flight', { op: 'reset', cpu: 0 }, 'EBUSY'],
	['step an unknown context', { op: 'step', ctx: 'nobody' }, 'EINVAL'],
	['step a writer interrupted by a nested one', { op: 'step', ctx: 'idle' }, 'EINVAL'],
	[
		'finish a reader that waits for a lock held by a paused reader',
		{ op: 'finish', ctx: 'r2' },
		'EBUSY'
	],
	[
		'spawn with a name in use',
		{ op: 'spawn', as: 'w', cpu: 0, ctx: 'nmi', do: { op: 'write', cpu: 0, size: 8 } },
		'EINVAL'
	],
	[
		'spawn a reader that writes',
		{ op: 'spawn', as: 'x', cpu: 0, ctx: 'reader', do: { op: 'write', cpu: 0, size: 8 } },
		'EINVAL'
	],
	['an unknown op', { op: 'format' }, 'EINVAL'],
	['a step that is not an object', 42, 'EINVAL'],
	['an unknown field', { op: 'tracing', on: true, colour: 'red' }, 'EINVAL']
];

describe('refusals leave the state exactly as it was', () => {
	test.each(cases)('%s is refused with its errno', (_name, step, errno) => {
		const sim = busySim();
		sim.apply({ op: 'spawn', as: 'r2', cpu: 1, ctx: 'reader', do: { op: 'readPage', cpu: 1 } });
		const before = bytes(sim);
		const r = sim.apply(step);
		expect(r.ok).toBe(false);
		expect(r.errno).toBe(errno);
		expect(typeof r.message).toBe('string');
		expect((r.message as string).length).toBeGreaterThan(10);
		expect(bytes(sim)).toEqual(before);
	});

	test('a write refused because recording is off changes nothing', () => {
		const sim = new Simulation();
		sim.apply({ op: 'write', cpu: 0, size: 16, repeat: 3 });
		sim.apply({ op: 'tracing', on: false });
		const before = bytes(sim);
		const r = sim.apply({ op: 'write', cpu: 0, size: 16 });
		expect(r).toMatchObject({ ok: false, errno: 'EBUSY' });
		expect(r.message).toMatch(/recording is off/);
		expect(bytes(sim)).toEqual(before);
	});

	test('a write dropped in producer/consumer mode counts it, as the kernel does', () => {
		const sim = new Simulation({ subbufsPerCpu: 2, overwrite: false });
		const r = sim.apply({ op: 'write', cpu: 0, size: 1000, repeat: 20 });
		expect(r).toMatchObject({ ok: false, errno: 'EBUSY', written: 8, dropped: 12 });
		expect(sim.state().cpus[0]!.counters.dropped_events).toBe(12);
	});
});

describe('readPage (ring_buffer_read_page)', () => {
	test('a whole page handed out adds its entries to read, whatever read was before', () => {
		const sim = new Simulation({ subbufsPerCpu: 3 });
		sim.apply({ op: 'write', cpu: 0, size: 1000, repeat: 6 });
		const sf = (sim.ring.L.structOff + 24 * 4) >> 3; // float64 counters of struct 0
		sim.ring.f64[sf + 7] = 2 ** 21; // SF_READ: past RB_WRITE_MASK
		sim.ring.f64[sf + 0] = 2 ** 21 + 6; // SF_ENTRIES, so the buffer still holds 6
		const r = sim.apply({ op: 'readPage', cpu: 0 });
		expect(r.events).toHaveLength(4);
		expect(sim.state().cpus[0]!.counters.read).toBe(2 ** 21 + 4);
	});
});
