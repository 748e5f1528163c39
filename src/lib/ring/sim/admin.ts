/**
 * Operations on a whole buffer, each refused while a context it would wait for is in flight:
 * the trace clock, tracing on/off, reset, resize, the sub-buffer order, fault injection, and the
 * snapshot buffer (arm, free, swap).
 */
import { resetCpu, resizeStructs, setSubbufOrder, setTracing, allocateStructs } from '../admin';
import { clockNow, setClock } from '../clock';
import { MAX_SUBBUFS_PER_CPU } from '../config';
import { MAX_SUBBUF_ORDER } from '../constants';
import { refuse } from '../errors';
import {
	H_FAULT_AFTER,
	H_FAULT_ALLOCS,
	H_SNAPSHOT_ALLOCATED,
	H_SNAPSHOT_REFS,
	H_TR_MAPPED,
	S_MAPPED,
	S_NR_PAGES,
	S_RESIZE_DISABLED
} from '../layout';
import { structI, structOf } from '../ring';
import type { ClockStep, FaultStep } from '../steps';
import { setRing, type OpResult, type SimCore } from './core';
import { refuseIfBusy } from './nesting';
import { runToEnd } from './scheduler';
import { spawn } from './spawn';

/** Sets or advances the trace clock; it never goes backwards. */
export function clock(core: SimCore, step: ClockStep): OpResult {
	const now = clockNow(core.ring);
	const target = step.setNs ?? now + step.advanceNs!;
	if (target < now)
		refuse('EINVAL', `the trace clock cannot go backwards (now ${now}, asked ${target})`);
	setClock(core.ring, target);
	return { now: target };
}

export function tracing(core: SimCore, on: boolean): OpResult {
	setTracing(core.ring, on);
	return {};
}

export function reset(core: SimCore, cpu: number): OpResult {
	const s = structOf(core.ring, 0, cpu);
	refuseIfBusy(core, cpu, 'reset');
	resetCpu(core.ring, s);
	return {};
}

export function fault(core: SimCore, step: FaultStep): OpResult {
	core.ring.i32[H_FAULT_ALLOCS] = step.alloc;
	core.ring.i32[H_FAULT_AFTER] = step.after ?? 0;
	return {};
}

/** The per-CPU buffers a resize of `cpu` to `nr` pages changes; refuses a disabled one. */
function structsToResize(core: SimCore, cpu: number | 'all', nr: number): number[] {
	const { ring } = core;
	const cpus = cpu === 'all' ? [...Array(ring.L.cpus).keys()] : [cpu];
	const structs: number[] = [];
	for (const c of cpus) {
		for (let b = 0; b < 2; b++) {
			const SI = structI(ring, structOf(ring, b, c));
			if (ring.i32[SI + S_NR_PAGES] === 0) continue;
			if (cpu !== 'all' && ring.i32[SI + S_NR_PAGES] === nr) continue;
			if (ring.i32[SI + S_RESIZE_DISABLED]! > 0)
				refuse(
					'EBUSY',
					ring.i32[SI + S_MAPPED]
						? `CPU ${c}'s buffer is memory-mapped: it cannot be resized until unmapped`
						: `resizing CPU ${c}'s buffer is disabled (resize_disabled: Linux 6.10 leaves it raised after a failed first mmap)`
				);
			structs.push(structOf(ring, b, c));
		}
		refuseIfBusy(core, c, 'a resize');
	}
	return structs;
}

/** ring_buffer_resize of one CPU or all to `subbufs` sub-buffers (at least two). */
export function resize(core: SimCore, cpu: number | 'all', subbufs: number): OpResult {
	if (subbufs === 0)
		refuse('EINVAL', 'a buffer needs at least one sub-buffer (buffer_size_kb 0 is refused)');
	const nr = Math.max(2, subbufs); // ring_buffer_resize: at least two pages
	if (nr > MAX_SUBBUFS_PER_CPU)
		refuse('EINVAL', `ringlab simulates at most ${MAX_SUBBUFS_PER_CPU} sub-buffers per CPU`);
	const structs = structsToResize(core, cpu, nr);
	setRing(core, resizeStructs(core.ring, structs, nr));
	return { subbufs: nr };
}

/** ring_buffer_subbuf_order_set: refused while a buffer is mapped or a context in flight. */
export function subbufOrder(core: SimCore, order: number): OpResult {
	const { ring } = core;
	if (order < 0 || order > MAX_SUBBUF_ORDER)
		refuse(
			'EINVAL',
			`sub-buffer order must be 0..${MAX_SUBBUF_ORDER} (4 KiB to 1 MiB sub-buffers)`
		);
	if (order === ring.L.order) return {};
	for (let s = 0; s < 2 * ring.L.cpus; s++)
		if (ring.i32[structI(ring, s) + S_MAPPED]! > 0)
			refuse(
				'EBUSY',
				'a CPU buffer is memory-mapped: the sub-buffer size cannot change until unmapped'
			);
	for (let c = 0; c < ring.L.cpus; c++) refuseIfBusy(core, c, 'a sub-buffer order change');
	setRing(core, setSubbufOrder(ring, order));
	return {};
}

/** True when the snapshot buffer exists for every CPU and has pages. */
function snapshotAllocated(core: SimCore): boolean {
	return core.ring.i32[H_SNAPSHOT_ALLOCATED] === 1;
}

/** Gives the snapshot buffer the live buffer's size on every CPU (tracing_alloc_snapshot_instance). */
function allocateSnapshot(core: SimCore): void {
	const { ring } = core;
	const structs: number[] = [];
	const sizes: number[] = [];
	for (let c = 0; c < ring.L.cpus; c++) {
		structs.push(structOf(ring, 1, c));
		sizes.push(ring.i32[structI(ring, structOf(ring, 0, c)) + S_NR_PAGES]!);
	}
	setRing(core, allocateStructs(ring, structs, sizes));
	core.ring.i32[H_SNAPSHOT_ALLOCATED] = 1;
}

/** tracing_arm_snapshot: allocates the snapshot buffer if needed and takes a reference. */
export function snapshotArm(core: SimCore): OpResult {
	if (core.ring.i32[H_TR_MAPPED])
		refuse(
			'EBUSY',
			'the buffer is memory-mapped: a snapshot cannot be armed (tracing_arm_snapshot)'
		);
	if (!snapshotAllocated(core)) allocateSnapshot(core);
	core.ring.i32[H_SNAPSHOT_REFS] = core.ring.i32[H_SNAPSHOT_REFS]! + 1;
	return {};
}

/** free_snapshot: shrinks the snapshot buffer to its minimum (ring_buffer_resize(..., 1): 2 pages). */
export function snapshotFree(core: SimCore): OpResult {
	const { ring } = core;
	for (let c = 0; c < ring.L.cpus; c++) refuseIfBusy(core, c, 'freeing the snapshot buffer');
	ring.i32[H_SNAPSHOT_REFS] = 0;
	if (!snapshotAllocated(core)) return {};
	const structs = [...Array(ring.L.cpus).keys()].map((c) => structOf(ring, 1, c));
	setRing(core, resizeStructs(ring, structs, 2));
	core.ring.i32[H_SNAPSHOT_ALLOCATED] = 0;
	return {};
}

/** The snapshot swap of one CPU (ring_buffer_swap_cpu), run to its end. */
export function snapshot(core: SimCore, cpu: number): OpResult {
	if (core.ring.i32[H_TR_MAPPED])
		refuse('EBUSY', 'the buffer is memory-mapped: no snapshot while mapped');
	if (!snapshotAllocated(core))
		refuse('EINVAL', 'there is no snapshot buffer: set config.snapshot or arm one first');
	return runToEnd(core, spawn(core, { op: 'snapshot', cpu }, 'swap', ''));
}
