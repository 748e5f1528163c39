/**
 * ring_buffer_swap_cpu as a step machine: exchange one CPU's per-CPU buffer between the live
 * buffer and the snapshot ("max") buffer, with every check of kernel.md §5.2 in order.
 *
 * Since the 2023 fix (3163f635b20e) the per-CPU snapshot runs on the target CPU through an IPI, so
 * it can only run between that CPU's writers: the host schedules it like an IRQ on that CPU. With
 * the history switch "swap-from-remote-cpu" it runs on another CPU as before the fix, and a writer
 * can slip between [swap buffers] and [swap back pointers]: it reserves in the buffer that was just
 * swapped out and commits into the other one, and rb_end_commit warns (the race of seed 001).
 * Checked against kernel/trace/ring_buffer.c of 6.10 - 6.18 (the fix is 3163f635b20e, 2023).
 */
import { K_CPU, K_ERRNO, K_NEXT_PAGE, K_PC, K_STRUCT, R_RET, slotF, slotI } from './context';
import {
	H_REC_DISABLED,
	S_BUFFER,
	S_COMMITTING,
	S_MAPPED,
	S_NR_PAGES,
	S_RECORD_DISABLED
} from './layout';
import { bufferTableIndex, structI, structOf } from './ring';
import type { Exec } from './writer';

export const SW_CHECK = 0;
export const SW_DISABLE = 1;
export const SW_COMMITTING = 2;
export const SW_SWAP_BUFFERS = 3;
export const SW_SWAP_BACK = 4;
export const SW_ENABLE = 5;
export const SW_DONE = 6;

export const SWAP_STEPS: readonly (readonly [label: string, kernel: string])[] = [
	['check both per-CPU buffers can be swapped', 'ring_buffer_swap_cpu'],
	['record_disabled++ on both', 'ring_buffer_swap_cpu'],
	['is a writer committing on either?', 'ring_buffer_swap_cpu'],
	['exchange buffer_a->buffers[cpu] and buffer_b->buffers[cpu]', 'ring_buffer_swap_cpu'],
	['exchange the back pointers (cpu_buffer->buffer)', 'ring_buffer_swap_cpu'],
	['record_disabled-- on both', 'ring_buffer_swap_cpu'],
	['done', '']
];

// errno codes kept in K_ERRNO by the swap (besides 1 = EBUSY, 2 = EINVAL)
export const ERR_EAGAIN = 3;

/** Runs one step of the swap in slot k. Returns the pc executed. */
export function stepSwap(x: Exec, k: number): number {
	const { ring } = x;
	const { i32, f64 } = ring;
	const K = slotI(ring, k);
	const cpu = i32[K + K_CPU]!;
	const pc = i32[K + K_PC]!;
	let next = SW_DONE;
	const fail = (errno: number, why: string, to = SW_DONE) => {
		i32[K + K_ERRNO] = errno;
		f64[slotF(ring, k) + R_RET] = 0;
		if (x.verbose) x.note = why;
		return to;
	};
	switch (pc) {
		case SW_CHECK: {
			const a = structOf(ring, 0, cpu);
			const b = structOf(ring, 1, cpu);
			i32[K + K_STRUCT] = a;
			i32[K + K_NEXT_PAGE] = b;
			const A = structI(ring, a);
			const B = structI(ring, b);
			if (i32[A + S_MAPPED] || i32[B + S_MAPPED]) {
				x.warn('ring_buffer_swap_cpu on a mapped buffer');
				next = fail(1, 'A per-CPU buffer is mapped: the swap is refused (EBUSY).');
			} else if (i32[A + S_NR_PAGES] !== i32[B + S_NR_PAGES])
				next = fail(2, 'The two per-CPU buffers differ in size (EINVAL).');
			// (both buffers always share one sub-buffer order here: subbufOrder changes both)
			else if (
				i32[H_REC_DISABLED]! ||
				i32[H_REC_DISABLED + 1]! ||
				i32[A + S_RECORD_DISABLED]! ||
				i32[B + S_RECORD_DISABLED]!
			)
				next = fail(ERR_EAGAIN, 'Recording is disabled on one of them (EAGAIN).');
			else {
				if (x.verbose)
					x.note = `Swap CPU ${cpu}: live buffer uses struct ${a}, snapshot buffer struct ${b}.`;
				next = SW_DISABLE;
			}
			break;
		}
		case SW_DISABLE: {
			const A = structI(ring, i32[K + K_STRUCT]!);
			const B = structI(ring, i32[K + K_NEXT_PAGE]!);
			i32[A + S_RECORD_DISABLED] = i32[A + S_RECORD_DISABLED]! + 1;
			i32[B + S_RECORD_DISABLED] = i32[B + S_RECORD_DISABLED]! + 1;
			if (x.verbose)
				x.note =
					'New writers on this CPU are now refused; one that already passed the check is not stopped.';
			next = SW_COMMITTING;
			break;
		}
		case SW_COMMITTING: {
			const A = structI(ring, i32[K + K_STRUCT]!);
			const B = structI(ring, i32[K + K_NEXT_PAGE]!);
			if (i32[A + S_COMMITTING] || i32[B + S_COMMITTING])
				next = fail(1, 'A writer is committing: the swap is refused (EBUSY).', SW_ENABLE);
			else {
				if (x.verbose)
					x.note =
						'committing is 0 on both: no writer is between reserve and commit (that this check can see).';
				next = SW_SWAP_BUFFERS;
			}
			break;
		}
		case SW_SWAP_BUFFERS: {
			const ia = bufferTableIndex(ring, 0, cpu);
			const ib = bufferTableIndex(ring, 1, cpu);
			const t = i32[ia]!;
			i32[ia] = i32[ib]!;
			i32[ib] = t;
			if (x.verbose)
				x.note = `buffers[${cpu}] exchanged: the live buffer now uses struct ${i32[ia]}.`;
			next = SW_SWAP_BACK;
			break;
		}
		case SW_SWAP_BACK: {
			const A = structI(ring, i32[K + K_STRUCT]!);
			const B = structI(ring, i32[K + K_NEXT_PAGE]!);
			const t = i32[A + S_BUFFER]!;
			i32[A + S_BUFFER] = i32[B + S_BUFFER]!;
			i32[B + S_BUFFER] = t;
			if (x.verbose)
				x.note = 'Back pointers exchanged: each struct now names its new buffer.';
			next = SW_ENABLE;
			break;
		}
		case SW_ENABLE: {
			const A = structI(ring, i32[K + K_STRUCT]!);
			const B = structI(ring, i32[K + K_NEXT_PAGE]!);
			i32[A + S_RECORD_DISABLED] = i32[A + S_RECORD_DISABLED]! - 1;
			i32[B + S_RECORD_DISABLED] = i32[B + S_RECORD_DISABLED]! - 1;
			if (!i32[K + K_ERRNO])
				if (x.verbose) x.note = 'Recording enabled again: the swap is done.';
			next = SW_DONE;
			break;
		}
	}
	i32[K + K_PC] = next;
	return pc;
}
