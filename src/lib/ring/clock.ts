/**
 * The trace clock. It is part of the state (header word HF_CLOCK_NOW) so a run replays exactly.
 * The first read by a write (rb_time_stamp) advances it: to the step's `at`, by its `deltaNs`, or
 * by config.clock.stepNs. Further reads in the same write (the retry after a page crossing, the
 * slow path of __rb_reserve_next) return the current time: in the simulation no time passes
 * inside one write, so an event written with `at` gets exactly that time.
 */
import { HF_CLOCK_NOW, HF_CLOCK_STEP } from './layout';
import { R_AT, R_CLOCK_READS, R_DELTA_NS } from './context';
import { headerF, type Ring } from './ring';

export function clockNow(ring: Ring): number {
	return ring.f64[headerF() + HF_CLOCK_NOW]!;
}

export function setClock(ring: Ring, ns: number): void {
	ring.f64[headerF() + HF_CLOCK_NOW] = ns;
}

export function clockStep(ring: Ring): number {
	return ring.f64[headerF() + HF_CLOCK_STEP]!;
}

/**
 * rb_time_stamp over values: the writer's clock reads so far in this write (`reads`), its `at`
 * and `deltaNs` (R_AT, R_DELTA_NS; negative when not given), and `floor`, the latest stamp of its
 * CPU buffer (before_stamp, write_stamp). Returns the time; the caller counts the read.
 */
export function clockRead(
	ring: Ring,
	reads: number,
	at: number,
	deltaNs: number,
	floor: number
): number {
	// Never before this CPU's last stamp. In one thread `now` is never behind it anyway; with
	// writer threads on other CPUs sharing the clock word it can be, and a per-CPU trace clock
	// (the kernel's default, trace_clock_local) never goes backwards on its CPU.
	let now = clockNow(ring);
	if (floor > now) now = floor;
	if (reads > 0) return now;
	if (at >= 0) {
		if (at > now) now = at;
	} else if (deltaNs >= 0) now += deltaNs;
	else now += clockStep(ring);
	setClock(ring, now);
	return now;
}

/**
 * rb_time_stamp for the writer whose float64 registers start at index F of `rf` (its context slot,
 * or a fast path's scratch registers); `floor` is the latest stamp of its CPU buffer.
 */
export function readClockFor(ring: Ring, rf: Float64Array, F: number, floor: number): number {
	const reads = rf[F + R_CLOCK_READS]!;
	rf[F + R_CLOCK_READS] = reads + 1;
	return clockRead(ring, reads, rf[F + R_AT]!, rf[F + R_DELTA_NS]!, floor);
}
