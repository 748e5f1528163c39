/**
 * (b) the engine's mapped reader on one thread: a full buffer (256 sub-buffers, overwrite mode has
 * wrapped) drained by user space, GET_READER (getReader) then a walk of the handed-over
 * sub-buffer in place (MappedConsumer), until the buffer is empty: what the kernel's mmap reader
 * does at 21-24 M ev/s here (perf.md). The full state is restored before each pass, untimed.
 */
import { writeBurst } from '../src/lib/ring/writer/index.ts';
import { getReader } from '../src/lib/ring/reader/get-reader.ts';
import { Simulation } from '../src/lib/ring/index.ts';
import { MappedConsumer } from '../src/lib/ring/mapped-consumer.ts';
import type { Scenario } from './harness.ts';
import { CAP, eventShape, parsed, payloadWords } from './kernel-format.ts';

const SUBBUFS = 256;

export function engineDrainScenario(payload: number): Scenario {
	const sim = new Simulation({ subbufsPerCpu: SUBBUFS, overwrite: true }, true);
	sim.apply({ op: 'map', cpu: 0, as: 'meta' });
	sim.apply({ op: 'map', cpu: 0, as: 'data', offset: 4096, length: 4096 * (SUBBUFS + 1) });
	const ring = sim.ring;
	const p = new Uint8Array(payloadWords(payload).buffer);
	writeBurst(ring, 0, p, Math.ceil(SUBBUFS * (CAP / eventShape(payload).len) * 1.5));
	const u8 = new Uint8Array(ring.buf);
	const full = u8.slice();
	const consumer = new MappedConsumer(ring, sim.maps.get('meta')!, sim.maps.get('data')!);
	let sum = 0;
	const touch = (b: Uint8Array, off: number) => {
		sum += b[off]!; // reads the payload, as the baselines' parsers do
	};
	/** Drains the buffer; returns the events read. */
	const drain = () => {
		consumer.id = -1;
		consumer.pos = 0;
		consumer.events = 0;
		for (let idle = 0; idle < 2;) {
			if (getReader(ring, 0) !== 'ok') throw new Error('GET_READER failed');
			idle = consumer.take(touch) > 0 ? 0 : idle + 1;
		}
		return consumer.events;
	};
	const perPass = drain();
	u8.set(full);
	const left = sim.state().cpus[0]!.counters;
	if (perPass !== left.entries - left.overrun)
		throw new Error(`drained ${perPass} of ${left.entries - left.overrun} events`);
	return {
		key: 'engine-drain',
		part: 'b',
		label: 'engine mapped drain: GET_READER + walk in place',
		payload,
		buffer: 'SAB',
		clock: 'synthetic',
		warmup: perPass,
		quantum: perPass,
		run(events) {
			let ms = 0;
			for (let i = 0; i < events / perPass; i++) {
				u8.set(full);
				const t0 = performance.now();
				const n = drain();
				ms += performance.now() - t0;
				if (n !== perPass) throw new Error(`drained ${n} events, expected ${perPass}`);
			}
			parsed.sum = (parsed.sum + sum) % 4294967296;
			return ms;
		}
	};
}
