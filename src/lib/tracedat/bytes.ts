/**
 * A little-endian byte builder for writing trace.dat, and the text helpers the reader uses (the
 * hex decoder is the engine's own, ring/format.ts fromHex).
 */

/** Appends little-endian numbers, strings and byte runs; `at` is the next byte's file offset. */
export class ByteSink {
	#chunks: Uint8Array[] = [];
	#length = 0;
	get at(): number {
		return this.#length;
	}
	bytes(b: Uint8Array): void {
		this.#chunks.push(b);
		this.#length += b.length;
	}
	u8(v: number): void {
		this.bytes(Uint8Array.of(v));
	}
	u16(v: number): void {
		const b = new Uint8Array(2);
		new DataView(b.buffer).setUint16(0, v, true);
		this.bytes(b);
	}
	u32(v: number): void {
		const b = new Uint8Array(4);
		new DataView(b.buffer).setUint32(0, v >>> 0, true);
		this.bytes(b);
	}
	u64(v: number): void {
		const b = new Uint8Array(8);
		new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
		this.bytes(b);
	}
	/** A string with its terminating NUL. */
	cstr(s: string): void {
		this.bytes(ascii(s + '\0'));
	}
	zeros(n: number): void {
		if (n > 0) this.bytes(new Uint8Array(n));
	}
	/** Pads with zeros up to a multiple of `align`. */
	alignTo(align: number): void {
		this.zeros((align - (this.#length % align)) % align);
	}
	toBytes(): Uint8Array {
		const out = new Uint8Array(this.#length);
		let o = 0;
		for (const c of this.#chunks) {
			out.set(c, o);
			o += c.length;
		}
		return out;
	}
}

/**
 * Bytes of an ASCII text (what tracefs prints; TextEncoder is a DOM and Node global, and this
 * folder compiles without either). A character past 0x7f is refused.
 */
export function ascii(s: string): Uint8Array {
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c > 0x7f) throw new RangeError(`not ASCII: ${JSON.stringify(s[i])} at ${i}`);
		out[i] = c;
	}
	return out;
}

/** Text of bytes read one byte per character (Latin-1: every byte maps, nothing throws). */
export function latin1(b: Uint8Array): string {
	let s = '';
	for (let i = 0; i < b.length; i += 8192)
		s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 8192)));
	return s;
}
