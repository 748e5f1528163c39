/**
 * What a trace.dat of a run holds: each CPU drained with page reads (ring_buffer_read_page, as
 * trace-cmd record's per-CPU readers splice trace_pipe_raw), the sub-buffers in the order read.
 * Draining consumes: call it once, after the run.
 */
import type { Simulation } from '../ring';
import { PAGE_SIZE } from '../ring/constants';
import { fromHex } from '../ring/format';
import { encodeTraceDat } from './write';

/** Reads CPU `cpu` page by page until it is empty; each element is one whole sub-buffer. */
export function drainSubbufs(sim: Simulation, cpu: number): Uint8Array[] {
	const pages: Uint8Array[] = [];
	for (;;) {
		const r = sim.apply({ op: 'readPage', cpu });
		if (!r.ok || typeof r.page !== 'string') break;
		pages.push(fromHex(r.page));
	}
	return pages;
}

/**
 * The sub-buffer size of drained pages: the length of any page read (a `subbufOrder` step may have
 * changed it since the machine was built), else the configured one.
 */
export function drainedSubbufSize(
	sim: Simulation,
	cpus: readonly (readonly Uint8Array[])[]
): number {
	return cpus.find((p) => p.length)?.[0]?.length ?? PAGE_SIZE << sim.config.subbufOrder;
}

/** Drains every CPU of `sim` and encodes the result as a trace.dat. */
export function simulationTraceDat(sim: Simulation): Uint8Array {
	const cpus = Array.from({ length: sim.config.cpus }, (_, c) => drainSubbufs(sim, c));
	return encodeTraceDat({ subbufSize: drainedSubbufSize(sim, cpus), cpus });
}
