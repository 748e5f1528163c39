/**
 * A fast 64-bit hash of the state words for the explorer's visited set, in the style of xxHash32
 * run twice: two 32-bit lanes with different seeds and primes take every word (multiply, rotate,
 * multiply: int32 arithmetic only, no allocation), then each is finished with murmur3's avalanche
 * and the two are crossed. Not cryptographic; a collision would merge two states.
 */

/** Running hash: two 32-bit lanes. */
export interface Hash64 {
	hi: number;
	lo: number;
}

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const TWO32 = 4294967296;

export function hashStart(): Hash64 {
	return { hi: 0x84222325 | 0, lo: 0xcbf29ce4 | 0 };
}

/** Folds `n` words of `words` from `from` into `h`. */
export function hashWords(h: Hash64, words: Int32Array, from = 0, n = words.length - from): void {
	let a = h.hi;
	let b = h.lo;
	const end = from + n;
	for (let i = from; i < end; i++) {
		const w = words[i]!;
		a = (a + Math.imul(w, P2)) | 0;
		a = Math.imul((a << 13) | (a >>> 19), P1);
		b = (b ^ Math.imul(w, P3)) | 0;
		b = Math.imul((b << 17) | (b >>> 15), P4);
	}
	h.hi = a;
	h.lo = b;
}

/** Folds one integer into `h`. */
export function hashInt(h: Hash64, v: number): void {
	let a = h.hi + Math.imul(v | 0, P2);
	a = Math.imul((a << 13) | (a >>> 19), P1);
	let b = h.lo ^ Math.imul(v | 0, P3);
	b = Math.imul((b << 17) | (b >>> 15), P4);
	h.hi = a;
	h.lo = b;
}

function fmix32(x: number): number {
	x ^= x >>> 16;
	x = Math.imul(x, 0x85ebca6b);
	x ^= x >>> 13;
	x = Math.imul(x, 0xc2b2ae35);
	x ^= x >>> 16;
	return x >>> 0;
}

/** The finished hash as a Map key: 53 of its 64 bits (a safe integer). */
export function hashKey(h: Hash64): number {
	const hi = fmix32(h.hi ^ Math.imul(h.lo, P1));
	const lo = fmix32(h.lo + Math.imul(hi, P2));
	return (hi & 0x1fffff) * TWO32 + lo;
}

/** A hash key as 14 hex digits (what the explorer prints for an end state). */
export function keyHex(key: number): string {
	return key.toString(16).padStart(14, '0');
}
