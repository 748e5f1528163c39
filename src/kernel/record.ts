/**
 * What `ringlab kernel run` records, and what a live kernel can replay: the record's types (one
 * entry per step: writes with their clock readings, sub-buffers read, the reader sub-buffer after
 * GET_READER, meta pages, per_cpu stats), the refusal of steps a live kernel cannot replay, and
 * the small rules that map a scenario onto tracefs (marker bytes, buffer_size_kb, stats).
 */
import type { Scenario } from '../lib/ring';
import { MAX_SUBBUFS_PER_CPU } from '../lib/ring/config';
import type { PipeEvent } from './pipe';

/** per_cpu/cpuN/stats, the fields a simulation can know (times left out). */
export interface KernelStats {
	entries: number;
	overrun: number;
	'commit overrun': number;
	bytes: number;
	'dropped events': number;
	'read events': number;
}

export interface KernelWrite {
	cpu: number;
	/** The bytes written to trace_marker_raw (hex): the 4-byte id, then the data. */
	data: string;
	ok: boolean;
	errno?: string;
	/** CLOCK_MONOTONIC just before and after the write(2), ns. */
	t0: number;
	t1: number;
}

export interface KernelStep {
	/** Index of the scenario step; the final drain has index = steps.length. */
	index: number;
	op: string;
	/** The CPU a read step read. */
	cpu?: number;
	ok: boolean;
	errno?: string;
	/** Writes of this step (a repeat gives several). */
	writes?: KernelWrite[];
	/** Sub-buffers read through trace_pipe_raw (hex), in order, with their CPU. */
	pages?: { cpu: number; hex: string }[];
	/**
	 * `consume`: the events read through per_cpu/cpuN/trace_pipe (pipe.ts); absent in records
	 * made when consume was replayed as whole-page trace_pipe_raw reads (in `pages`).
	 */
	consumed?: PipeEvent[];
	/** The last read found nothing (EAGAIN). */
	empty?: boolean;
	/** After a GET_READER: the reader sub-buffer as the mapping shows it. */
	reader?: { cpu: number; id: number; hex: string };
	/** Meta page (first 80 bytes, hex) of every mapped CPU, after the step. */
	meta: Record<number, string>;
	/**
	 * Every sub-buffer of every mapped CPU after the step (hex, by sub-buffer ID), read through
	 * the observer mapping; absent in records made before they were.
	 */
	subbufs?: Record<number, string[]>;
	/** per_cpu/cpuN/stats after the step, by CPU. */
	stats: KernelStats[];
	/** readMeta / readMapped results. */
	result?: Record<string, unknown>;
	/**
	 * How much /sys/kernel/warn_count rose during the step (the kernel's WARN()s, each counted the
	 * first time a WARN_ON_ONCE fires); absent in records made before it was read.
	 */
	warnings?: number;
	/** Observer mappings the runner added (map) or removed (unmap) around this step. */
	observer?: { cpu: number; action: 'map' | 'unmap'; length: number };
}

export interface KernelRecord {
	kernel: string;
	/** The scenario replayed (the engine replays its steps). */
	scenario: Scenario;
	cpus: number;
	subbufOrder: number;
	nrPages: number;
	steps: KernelStep[];
}

/** The kernel cannot be used here (exit 3). */
export class KernelUnavailable extends Error {}
/** The scenario uses something a live kernel cannot replay (exit 4), with its JSON path. */
export class NotReplayable extends Error {
	constructor(
		readonly path: string,
		readonly reason: string
	) {
		super(`${path}: ${reason}`);
	}
}

/**
 * The longest write trace_marker_raw accepts (4-byte id included), whatever the sub-buffer size:
 * measured on Linux 6.18 (4 KiB to 64 KiB sub-buffers). Longer writes are refused with EINVAL by
 * tracefs before the ring buffer sees them, so events above 4072 bytes cannot be made this way.
 */
export const MARKER_MAX_WRITE = 4064;

/** Gaps below this are not reproduced (the kernel's own gaps are microseconds); above it, slept. */
export const SLEEP_THRESHOLD_NS = 100_000_000;
const MAX_SLEEP_NS = 2_000_000_000;

/**
 * What a live run does not reproduce of a scenario, in plain words (printed by `kernel run|diff`):
 * `at` times and gaps the runner does not sleep (the kernel's own times are used instead).
 */
export function notReproduced(s: Scenario): string[] {
	const notes: string[] = [];
	let at = 0;
	let short = 0;
	for (const st of s.steps) {
		if (st.op === 'write' && st.at !== undefined) at++;
		const gap = st.op === 'write' ? st.deltaNs : st.op === 'clock' ? st.advanceNs : undefined;
		if (gap !== undefined && gap > 0 && gap <= SLEEP_THRESHOLD_NS) short++;
	}
	if (at)
		notes.push(
			`${at} write times given with "at" are not reproduced (the kernel stamps its own)`
		);
	if (short)
		notes.push(
			`${short} gaps of ${SLEEP_THRESHOLD_NS / 1e6} ms or less are not slept (the kernel's own gaps, microseconds, are used)`
		);
	return notes;
}

/** Throws NotReplayable for the first step the live kernel cannot replay. */
export function checkReplayable(s: Scenario): void {
	if (s.config.snapshot)
		throw new NotReplayable('$.config.snapshot', 'this kernel has no snapshot buffer');
	s.steps.forEach((st, i) => {
		const p = `$.steps[${i}]`;
		switch (st.op) {
			case 'write':
				if (st.ctx && st.ctx !== 'task')
					throw new NotReplayable(`${p}.ctx`, 'only task-context writes can be made');
				if (st.payload !== undefined && st.payload.length < 8)
					throw new NotReplayable(
						`${p}.payload`,
						'trace_marker_raw needs at least 4 bytes (the id)'
					);
				if (st.deltaNs !== undefined && st.deltaNs > MAX_SLEEP_NS)
					throw new NotReplayable(`${p}.deltaNs`, 'the runner sleeps at most 2 s');
				return;
			case 'clock':
				if (st.setNs !== undefined)
					throw new NotReplayable(`${p}.setNs`, "the kernel's clock cannot be set");
				if (st.advanceNs! > MAX_SLEEP_NS)
					throw new NotReplayable(`${p}.advanceNs`, 'the runner sleeps at most 2 s');
				return;
			case 'resize':
				if (st.subbufs > MAX_SUBBUFS_PER_CPU)
					throw new NotReplayable(
						`${p}.subbufs`,
						`the kernel would take ${st.subbufs} sub-buffers, ringlab simulates at most ${MAX_SUBBUFS_PER_CPU} per CPU (the engine answers EINVAL)`
					);
				return;
			case 'consume':
			case 'readPage':
			case 'map':
			case 'unmap':
			case 'getReader':
			case 'readMeta':
			case 'readMapped':
			case 'subbufOrder':
			case 'reset':
			case 'tracing':
				return;
			default:
				throw new NotReplayable(
					`${p}.op`,
					`"${st.op}" cannot be replayed on a live kernel (no control over interleavings, snapshots or faults)`
				);
		}
	});
}

/** Bytes a `size` write puts into trace_marker_raw: the event is then max(12, size) bytes. */
export function markerBytes(size: number, seq: number): Uint8Array {
	const n = Math.max(4, size - 8);
	const out = new Uint8Array(n);
	for (let i = 0; i < n; i++) out[i] = i < 4 ? (seq >>> (8 * i)) & 0xff : 0x61 + ((i - 4) % 26);
	return out;
}

export { hex as hexOf } from '../lib/text/hex';

export function parseStats(text: string): KernelStats {
	const get = (k: string) => {
		const m = new RegExp(`^${k}: (\\d+)`, 'm').exec(text);
		return m ? Number(m[1]) : NaN;
	};
	return {
		entries: get('entries'),
		overrun: get('overrun'),
		'commit overrun': get('commit overrun'),
		bytes: get('bytes'),
		'dropped events': get('dropped events'),
		'read events': get('read events')
	};
}

/** buffer_size_kb that gives exactly n sub-buffers of `data` bytes (ceil(kb*1024/data) = n). */
export function kbFor(n: number, data: number): number {
	return Math.floor((n * data) / 1024);
}
