/**
 * Free-running writers: a Worker per simulated CPU writes events as fast as it can (or at a rate)
 * with writeEvent, straight into the shared state, while readers on other threads swap pages and
 * parse them. Each payload says who wrote it and when, so a reader can check that nothing was
 * corrupted or reordered: u32 sequence number, u32 CPU, then bytes derived from both.
 */
import { writeBurst } from './fast-write';
import type { Ring } from './ring';

/** Fills `out` with the payload of event `seq` of `cpu` (at least 8 bytes). */
export function stampPayload(out: Uint8Array, seq: number, cpu: number): void {
	const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
	dv.setUint32(0, seq, true);
	dv.setUint32(4, cpu, true);
	for (let i = 8; i < out.length; i++) out[i] = (seq * 31 + cpu * 7 + i) & 0xff;
}

/** Checks a payload read back (hex, possibly padded to 4 bytes); returns [seq, cpu] or null if corrupt. */
export function checkPayload(hexPayload: string, size: number): [number, number] | null {
	if (hexPayload.length < 2 * size) return null;
	const b = new Uint8Array(size);
	for (let i = 0; i < size; i++) b[i] = parseInt(hexPayload.slice(2 * i, 2 * i + 2), 16);
	const dv = new DataView(b.buffer);
	const seq = dv.getUint32(0, true);
	const cpu = dv.getUint32(4, true);
	for (let i = 8; i < size; i++) if (b[i] !== ((seq * 31 + cpu * 7 + i) & 0xff)) return null;
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
