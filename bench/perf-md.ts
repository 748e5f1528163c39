/**
 * Reference figures, not measured here: the throwaway probe's anchors and the native kernel ftrace
 * figures from shared/reference/perf.md (same kind of VM), for the 16/64/256-byte payloads.
 * The report shows them beside this run's medians; ratios are only taken within a run.
 */

export const SIZES = [16, 64, 256] as const;

/** M ev/s the probe measured for the baseline with this key (null: not measured there). */
export const PROBE: Readonly<Record<string, readonly (number | null)[]>> = {
	'bare-plain': [78.6, 47.4, 39.6],
	'bare-atomic-ab': [56.5, 40.7, 14.4],
	'bare-now': [16.8, 14.6, 13.7],
	'bare-decode': [385, 370, 311],
	'handoff-synthetic': [44.3, 27.8, 22.7],
	'handoff-real': [16.5, 13.0, 11.5],
	ringbuf: [14.2, 14.3, null],
	'post-record': [0.53, 0.49, null],
	'post-page': [36.9, 19.6, 6.1]
};

/** Native ftrace on the VM: write() to trace_marker_raw, ns per write, one thread. */
export const KERNEL_MARKER_NS = [438, 443, 486];
/** Native ftrace: draining a full per-CPU buffer, M ev/s, with read() of trace_pipe_raw. */
export const KERNEL_READ_DRAIN = [112, 65.1, 14.9];
/** Same, with mmap + TRACE_MMAP_IOCTL_GET_READER. */
export const KERNEL_MMAP_DRAIN = [23.6, 21.1, 13.1];

export function sizeIndex(payload: number): number {
	const i = (SIZES as readonly number[]).indexOf(payload);
	if (i < 0) throw new Error(`no perf.md figures for ${payload}-byte payloads`);
	return i;
}
