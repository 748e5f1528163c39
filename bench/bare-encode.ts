/**
 * Baselines (a) and (b), one thread: the simplest loop encoding kernel event headers and payloads
 * into the 4 KiB sub-buffers of a 1 MiB ring (plain stores; + Atomics.store commit per event;
 * + performance.now() per event), and the in-place decode of full pages of such a ring.
 */
import type { Scenario } from './harness.ts';
import {
	PAGE,
	PageEncoder,
	parsePage,
	payloadWords,
	RING_BYTES,
	RING_PAGES
} from './kernel-format.ts';

type Mode = 'plain' | 'atomic' | 'clocked';

function ring(shared: boolean): PageEncoder {
	const buf = shared ? new SharedArrayBuffer(RING_BYTES) : new ArrayBuffer(RING_BYTES);
	return new PageEncoder(buf, 0, (off) => (off + PAGE) % RING_BYTES);
}

function encodeScenario(
	payload: number,
	mode: Mode,
	shared: boolean,
	key: string,
	label: string
): Scenario {
	const enc = ring(shared);
	const p = payloadWords(payload);
	return {
		key,
		part: 'a',
		label,
		payload,
		buffer: shared ? 'SAB' : 'AB',
		clock: mode === 'clocked' ? 'real' : 'synthetic',
		warmup: 1 << 16,
		run(events) {
			const t0 = performance.now();
			if (mode === 'plain') enc.plain(p, events);
			else if (mode === 'atomic') enc.atomic(p, events);
			else enc.clocked(p, events);
			return performance.now() - t0;
		}
	};
}

/** Parses every sub-buffer of a ring, `events / perPass` times; `perPass` = data events in it. */
export function decodeScenario(
	u32: Uint32Array,
	pageOffsets: readonly number[],
	s: Omit<Scenario, 'run' | 'quantum' | 'warmup'>
): Scenario {
	let perPass = 0;
	for (const off of pageOffsets) perPass += parsePage(u32, off);
	if (perPass === 0) throw new Error(`${s.label}: the ring holds no events`);
	return {
		...s,
		warmup: perPass,
		quantum: perPass,
		run(events) {
			const passes = events / perPass;
			let seen = 0;
			const t0 = performance.now();
			for (let i = 0; i < passes; i++)
				for (let j = 0; j < pageOffsets.length; j++)
					seen += parsePage(u32, pageOffsets[j]!);
			const ms = performance.now() - t0;
			if (seen !== events)
				throw new Error(`${s.label}: parsed ${seen} events, expected ${events}`);
			return ms;
		}
	};
}

export function bareScenarios(payload: number): Scenario[] {
	// A full ring of bare-encoded pages for the decode baseline (shared memory, like a mapping).
	const full = ring(true);
	full.plain(payloadWords(payload), RING_PAGES * PAGE); // more events than the ring holds
	full.flush();
	const offsets = Array.from({ length: RING_PAGES }, (_, i) => i * PAGE);
	return [
		encodeScenario(payload, 'plain', false, 'bare-plain', 'bare encode, plain stores'),
		encodeScenario(
			payload,
			'atomic',
			false,
			'bare-atomic-ab',
			'bare encode + Atomics.store commit'
		),
		encodeScenario(
			payload,
			'atomic',
			true,
			'bare-atomic-sab',
			'bare encode + Atomics.store commit'
		),
		encodeScenario(payload, 'clocked', false, 'bare-now', 'bare encode + performance.now()'),
		decodeScenario(new Uint32Array(full.u32.buffer), offsets, {
			key: 'bare-decode',
			part: 'b',
			label: 'bare decode, full pages in place',
			payload,
			buffer: 'SAB',
			clock: 'synthetic'
		})
	];
}
