/**
 * Free-running writers: a Worker per simulated CPU writes events as fast as it can (or at a rate)
 * with writeEvent, straight into the shared state, while readers on other threads swap pages and
 * parse them. Each payload says who wrote it and when, so a reader can check that nothing was
 * corrupted or reordered: u32 sequence number, u32 CPU, then bytes derived from both.
 */
import { writeBurst } from './writer';
import { fromHex } from './format';
import type { Ring } from './ring';

/** Fills `out` with the payload of event `seq` of `cpu` (at least 8 bytes). */
export function stampPayload(out: Uint8Array, seq: number, cpu: number): void {
	out[0] = seq & 0xff;
	out[1] = (seq >>> 8) & 0xff;
	out[2] = (seq >>> 16) & 0xff;
	out[3] = seq >>> 24;
	out[4] = cpu & 0xff;
	out[5] = (cpu >>> 8) & 0xff;
	out[6] = (cpu >>> 16) & 0xff;
	out[7] = cpu >>> 24;
	for (let i = 8; i < out.length; i++) out[i] = (seq * 31 + cpu * 7 + i) & 0xff;
}

/** Checks a payload read back (hex, possibly padded to 4 bytes); returns [seq, cpu] or null if corrupt. */
export function checkPayload(hexPayload: string, size: number): [number, number] | null {
	if (hexPayload.length < 2 * size) return null;
	return checkPayloadAt(fromHex(hexPayload.slice(0, 2 * size)), 0, size);
}

/** The same check on `size` bytes at `off` of `u8` (a payload read in place through a mapping). */
export function checkPayloadAt(u8: Uint8Array, off: number, size: number): [number, number] | null {
	if (off + size > u8.length || size < 8) return null;
	const seq =
		(u8[off]! | (u8[off + 1]! << 8) | (u8[off + 2]! << 16) | (u8[off + 3]! << 24)) >>> 0;
	const cpu =
		(u8[off + 4]! | (u8[off + 5]! << 8) | (u8[off + 6]! << 16) | (u8[off + 7]! << 24)) >>> 0;
	for (let i = 8; i < size; i++)
		if (u8[off + i] !== ((seq * 31 + cpu * 7 + i) & 0xff)) return null;
	return [seq, cpu];
}

export interface FreeRunResult {
	written: number;
	refused: number;
	warnings: string[];
}

/** Writes `count` events of `size` bytes on `cpu`, sequence numbers from 0. */
export function runFreeWriter(ring: Ring, cpu: number, count: number, size: number): FreeRunResult {
	const payload = new Uint8Array(size);
	const warnings: string[] = [];
	const written = writeBurst(
		ring,
		cpu,
		payload,
		count,
		(seq) => stampPayload(payload, seq, cpu),
		(m) => warnings.push(m)
	);
	return { written, refused: count - written, warnings };
}
