/**
 * The payload copy of ring_buffer_write (its memcpy into the reserved event): word by word for small
 * payloads, TypedArray.set for the rest; the same bytes either way. Used by the fast paths.
 */
import type { Ring } from '../ring';

/** Payloads up to this many bytes are copied word by word, larger ones with `set` (perf.md). */
const WORD_COPY_MAX = 128;

let lastPayload: Uint8Array | null = null;
let lastState: ArrayBufferLike | null = null;
let lastWords: Int32Array = new Int32Array(0);

/**
 * The whole 32-bit words of `p` as an Int32Array view (kept for the next call with the same
 * payload and state), or null when its bytes do not start on a 4-byte boundary or live in the
 * state itself (then `set`, which copies overlapping bytes correctly).
 */
export function payloadWords(p: Uint8Array, ring: Ring): Int32Array | null {
	const n = p.length >> 2;
	if (p === lastPayload && ring.buf === lastState && lastWords.length === n) return lastWords;
	if ((p.byteOffset & 3) !== 0 || p.buffer === ring.buf) return null;
	lastPayload = p;
	lastState = ring.buf;
	lastWords = new Int32Array(p.buffer, p.byteOffset, n);
	return lastWords;
}

/**
 * The whole words of `p` to copy word by word (an Int32Array view of them, kept while the same
 * payload array comes back), or null to copy it with TypedArray.set: larger payloads, or bytes
 * that do not start on a 4-byte boundary. On SharedArrayBuffers `set` costs more than a word loop
 * below ~128 bytes (perf.md). Same bytes either way.
 */
export function wordsOf(ring: Ring, p: Uint8Array): Int32Array | null {
	return p.length <= WORD_COPY_MAX ? payloadWords(p, ring) : null;
}

/**
 * Copies `p` to byte offset `dst` (a multiple of 4) of the state: through `words` (wordsOf(p))
 * four words a turn, as the benchmark's bare encode loop copies them, or with `set`.
 */
export function copyPayload(
	ring: Ring,
	dst: number,
	p: Uint8Array,
	words: Int32Array | null = wordsOf(ring, p)
): void {
	if (words === null) {
		ring.u8.set(p, dst);
		return;
	}
	const len = p.length;
	const n = words.length;
	const i32 = ring.i32;
	const di = dst >> 2;
	let k = 0;
	for (; k + 4 <= n; k += 4) {
		i32[di + k] = words[k]!;
		i32[di + k + 1] = words[k + 1]!;
		i32[di + k + 2] = words[k + 2]!;
		i32[di + k + 3] = words[k + 3]!;
	}
	for (; k < n; k++) i32[di + k] = words[k]!;
	if (len & 3) {
		const u8 = ring.u8;
		for (let b = n << 2; b < len; b++) u8[dst + b] = p[b]!;
	}
}
