/** What an operation returns once its context is done, read from its slot and the host's notes. */
import {
	K_ERRNO,
	K_OP,
	OP_CONSUME,
	OP_GET_READER,
	OP_SWAP_CPU,
	OP_WRITE,
	R_LENGTH,
	R_RET,
	R_TS,
	slotF,
	slotI
} from '../context';
import type { Errno } from '../errors';
import { hex } from '../format';
import { pageEvents } from '../reader';
import type { Ring } from '../ring';
import { ERR_EAGAIN } from '../snapshot';
import { WRITE_FAIL_MESSAGES } from '../writer';
import type { OpResult, SlotInfo } from './core';

const ERRNO_BY_CODE: Record<number, Errno> = { 1: 'EBUSY', 2: 'EINVAL' };
const SWAP_ERRNO: Record<number, Errno> = { 1: 'EBUSY', 2: 'EINVAL', [ERR_EAGAIN]: 'EAGAIN' };

/** A write: its time stamp and length, or why it failed. */
function writeResult(ring: Ring, k: number, errno: number): OpResult {
	const F = slotF(ring, k);
	return errno
		? {
				ok: false,
				errno: ERRNO_BY_CODE[errno],
				message: WRITE_FAIL_MESSAGES[ring.f64[F + R_RET]!]
			}
		: { ts: ring.f64[F + R_TS], len: ring.f64[F + R_LENGTH] };
}

/** A page read: the sub-buffer handed out (hex), its events and missed count, or none. */
function readPageResult(info: SlotInfo): OpResult {
	const p = info.pages[0];
	return p
		? { page: hex(p.page, 0, p.page.length), events: pageEvents(p.page), missed: p.missed }
		: { page: null, events: [] };
}

/** The result of the finished operation in slot k. */
export function opResult(ring: Ring, k: number, info: SlotInfo): OpResult {
	const K = slotI(ring, k);
	const errno = ring.i32[K + K_ERRNO]!;
	const op = ring.i32[K + K_OP]!;
	if (op === OP_WRITE) return writeResult(ring, k, errno);
	if (op === OP_SWAP_CPU || op === OP_GET_READER)
		return errno
			? { ok: false, errno: SWAP_ERRNO[errno], message: info.failNote ?? 'the swap failed' }
			: {};
	if (op === OP_CONSUME) return { events: info.events };
	return readPageResult(info);
}
