/**
 * A fast 64-bit hash of the state words for the explorer's visited set: FNV-1a over 32-bit words
 * (the 64-bit prime 2^40 + 0x1b3 applied in two 32-bit halves), then a murmur3 finaliser on each
 * half so that nearby states spread. Not cryptographic; a collision would merge two states.
 */

/** Running hash: two 32-bit halves. */
export interface Hash64 {
	hi: number;
	lo: number;
}

const OFFSET_HI = 0xcbf29ce4;
const OFFSET_LO = 0x84222325;
const PRIME_LO = 0x1b3;
const TWO32 = 4294967296;

export function hashStart(): Hash64 {
	return { hi: OFFSET_HI, lo: OFFSET_LO };
}

/** Folds `n` words of `words` from `from` into `h`. */
export function hashWords(h: Hash64, words: Int32Array, from = 0, n = words.length - from): void {
	let { hi, lo } = h;
	const end = from + n;
	for (let i = from; i < end; i++) {
		lo = (lo ^ words[i]!) >>> 0;
		// (hi:lo) * (2^40 + 0x1b3) mod 2^64
		const p = lo * PRIME_LO;
		const carry = Math.floor(p / TWO32);
		hi = (Math.imul(hi, PRIME_LO) + carry + (lo << 8)) >>> 0;
		lo = p >>> 0;
	}
	h.hi = hi;
	h.lo = lo;
}

/** Folds one integer into `h`. */
export function hashInt(h: Hash64, v: number): void {
	hashWords(h, Int32Array.of(v | 0));
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
	const hi = fmix32(h.hi ^ h.lo);
	const lo = fmix32(h.lo + Math.imul(hi, 0x9e3779b1));
	return (hi & 0x1fffff) * TWO32 + lo;
}

/** A hash key as 14 hex digits (what the explorer prints for an end state). */
export function keyHex(key: number): string {
	return key.toString(16).padStart(14, '0');
}
