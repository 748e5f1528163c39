/**
 * The engine, one thread: writeEvent (ring_buffer_write) of 16/64/256-byte payloads on a 1-CPU
 * ring of 256 4 KiB sub-buffers in overwrite mode, ArrayBuffer and SharedArrayBuffer, synthetic
 * and real clock; and the in-place parse of its full sub-buffers (checked against the payload).
 */
import { validateConfig } from '../src/lib/ring/config.ts';
import { writeBurst, writeEvent } from '../src/lib/ring/writer/index.ts';
import { createRing, type Ring } from '../src/lib/ring/ring.ts';
import { decodeScenario } from './bare-encode.ts';
import type { Clock, Scenario } from './harness.ts';
import { CAP, eventShape, nowNs, PAGE, payloadWords } from './kernel-format.ts';

const SUBBUFS = 256;

function engineRing(shared: boolean): Ring {
	const ring = createRing(
		validateConfig({ subbufsPerCpu: SUBBUFS, subbufOrder: 0, overwrite: true }),
		shared
	);
	if (ring.L.subbufSize !== PAGE) throw new Error(`sub-buffers of ${ring.L.subbufSize} bytes`);
	return ring;
}

function bytes(payload: number): Uint8Array {
	return new Uint8Array(payloadWords(payload).buffer);
}

function writeScenario(payload: number, shared: boolean, clock: Clock): Scenario {
	const ring = engineRing(shared);
	const p = bytes(payload);
	const buffer = shared ? 'SAB' : 'AB';
	const label = 'engine writeEvent';
	return {
		key: `engine-${buffer.toLowerCase()}-${clock}`,
		part: 'a',
		label,
		payload,
		buffer,
		clock,
		warmup: 1 << 15,
		run(events) {
			let failed = 0;
			const t0 = performance.now();
			if (clock === 'synthetic') {
				for (let i = 0; i < events; i++) if (!writeEvent(ring, 0, p)) failed++;
			} else {
				for (let i = 0; i < events; i++) if (!writeEvent(ring, 0, p, nowNs())) failed++;
			}
			const ms = performance.now() - t0;
			if (failed) throw new Error(`${label}: ${failed} of ${events} writes refused`);
			return ms;
		}
	};
}

/** Byte offsets of every sub-buffer of CPU 0 (the reader page and the ring pages). */
function pageOffsets(ring: Ring): number[] {
	return Array.from({ length: SUBBUFS + 1 }, (_, p) => ring.L.dataOff + p * ring.L.subbufSize);
}

/**
 * Walks every event of the engine's sub-buffers and checks it is what our own parser expects:
 * data records of the payload's kernel length holding the payload, padding and time records.
 */
function checkPages(ring: Ring, payload: number): void {
	const u32 = new Uint32Array(ring.buf);
	const shape = eventShape(payload);
	const want = payloadWords(payload);
	for (const off of pageOffsets(ring)) {
		const w0 = (off >> 2) + 4;
		const commit = u32[(off >> 2) + 2]! & 0x7ffffff;
		if (commit > CAP) throw new Error(`engine page at ${off}: commit ${commit} > ${CAP}`);
		for (let tail = 0; tail < commit;) {
			const w = w0 + (tail >> 2);
			const tl = u32[w]! & 31;
			if (tl >= 29) {
				if (tl === 29 && u32[w]! >>> 5 === 0) break;
				tail += tl === 29 ? 4 + u32[w + 1]! : 8;
				continue;
			}
			const len = tl === 0 ? 4 + u32[w + 1]! : 4 + tl * 4;
			if (len !== shape.len)
				throw new Error(
					`engine event at ${off}+${tail}: ${len} bytes, expected ${shape.len}`
				);
			for (let k = 0; k < want.length; k++)
				if (u32[w + shape.head + k] !== want[k])
					throw new Error(`engine event at ${off}+${tail}: payload word ${k} differs`);
			tail += len;
		}
	}
}

/**
 * writeBurst: the same writes, counters kept in locals while the events stay on one page; with the
 * real clock, one performance.now() reading per event (as writeEvent with `at`).
 */
function burstScenario(
	payload: number,
	shared: boolean,
	clock: Clock,
	publish: 'event' | 'page' = 'event'
): Scenario {
	const ring = engineRing(shared);
	const p = bytes(payload);
	const buffer = shared ? 'SAB' : 'AB';
	const real = clock === 'real' ? nowNs : undefined;
	const suffix = (clock === 'real' ? '-real' : '') + (publish === 'page' ? '-paged' : '');
	return {
		key: `engine-burst-${buffer.toLowerCase()}${suffix}`,
		part: 'a',
		label: publish === 'page' ? 'engine writeBurst, commit per page' : 'engine writeBurst',
		payload,
		buffer,
		clock,
		warmup: 1 << 15,
		run(events) {
			const t0 = performance.now();
			const n = writeBurst(ring, 0, p, events, undefined, undefined, real, publish);
			const ms = performance.now() - t0;
			if (n !== events)
				throw new Error(`engine writeBurst: ${events - n} of ${events} refused`);
			return ms;
		}
	};
}

export function engineScenarios(payload: number): Scenario[] {
	// A full engine ring (overwrite mode has wrapped) for the in-place parse.
	const full = engineRing(true);
	const p = bytes(payload);
	for (let i = 0; i < SUBBUFS * (CAP / eventShape(payload).len) * 1.5; i++)
		if (!writeEvent(full, 0, p)) throw new Error('engine refused a write while filling');
	checkPages(full, payload);
	return [
		writeScenario(payload, false, 'synthetic'),
		writeScenario(payload, true, 'synthetic'),
		writeScenario(payload, false, 'real'),
		writeScenario(payload, true, 'real'),
		burstScenario(payload, false, 'synthetic'),
		burstScenario(payload, true, 'synthetic'),
		burstScenario(payload, false, 'real'),
		burstScenario(payload, true, 'real'),
		burstScenario(payload, false, 'synthetic', 'page'),
		burstScenario(payload, false, 'real', 'page'),
		decodeScenario(new Uint32Array(full.buf), pageOffsets(full), {
			key: 'engine-decode',
			part: 'b',
			label: 'engine sub-buffers parsed in place',
			payload,
			buffer: 'SAB',
			clock: 'synthetic'
		})
	];
}
