// The reader's bounds-checked cursor over a trace.dat, and the error it throws: every problem names
// the section being read and a byte offset in the file.
import { latin1 } from './bytes';

/** Thrown inside the reader only; parseTraceDat turns it into a result. */
export class Malformed extends Error {
	constructor(
		readonly section: string,
		readonly offset: number,
		message: string
	) {
		super(message);
	}
}

/** A bounds-checked little-endian cursor over the file. */
export class Cursor {
	pos: number;
	section = 'initial format';
	private readonly dv: DataView;
	constructor(
		readonly b: Uint8Array,
		pos = 0
	) {
		this.pos = pos;
		this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
	}
	fail(message: string, at = this.pos): never {
		throw new Malformed(this.section, at, message);
	}
	need(n: number, what: string): void {
		if (n < 0 || this.pos + n > this.b.length)
			this.fail(
				`${what} needs ${n} bytes, the file has ${Math.max(0, this.b.length - this.pos)} left`
			);
	}
	u8(what: string): number {
		this.need(1, what);
		return this.dv.getUint8(this.pos++);
	}
	u16(what: string): number {
		this.need(2, what);
		const v = this.dv.getUint16(this.pos, true);
		this.pos += 2;
		return v;
	}
	u32(what: string): number {
		this.need(4, what);
		const v = this.dv.getUint32(this.pos, true);
		this.pos += 4;
		return v;
	}
	u64(what: string): number {
		this.need(8, what);
		const v = this.dv.getBigUint64(this.pos, true);
		if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${v} is past any file size`);
		this.pos += 8;
		return Number(v);
	}
	bytes(n: number, what: string): Uint8Array {
		this.need(n, what);
		const s = this.b.subarray(this.pos, this.pos + n);
		this.pos += n;
		return s;
	}
	/** A NUL-terminated string (at most `max` bytes before the NUL). */
	cstr(what: string, max = 4096): string {
		const end = this.b.subarray(this.pos, this.pos + max + 1).indexOf(0);
		if (end < 0) this.fail(`${what} has no terminating NUL within ${max} bytes`);
		const s = latin1(this.b.subarray(this.pos, this.pos + end));
		this.pos += end + 1;
		return s;
	}
	seek(offset: number, what: string): void {
		if (offset < 0 || offset > this.b.length)
			this.fail(`${what} ${offset} is past the end of the file (${this.b.length} bytes)`);
		this.pos = offset;
	}
}
