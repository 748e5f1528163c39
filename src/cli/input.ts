/**
 * Reading a scenario file (or standard input for "-") within bounds: at most MAX_SCENARIO_BYTES are
 * read, whatever the file is (/dev/zero never ends); a UTF-8 byte order mark is skipped; bytes that
 * are not UTF-8 are refused with their offset instead of being replaced silently. Errors are
 * InputError, with a plain reason (the CLI exits 2).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_SCENARIO_BYTES } from '../lib/ring/input-bounds';

/** The largest scenario file read (the shipped ones are under 20 KiB); the page has the same bound. */
export { MAX_SCENARIO_BYTES };

export class InputError extends Error {}

export function readInput(file: string): string {
	return decodeUtf8(readBounded(file, MAX_SCENARIO_BYTES));
}

/** Reads up to `max` bytes; refuses a file with more. */
export function readBounded(file: string, max: number): Uint8Array {
	const fd = file === '-' ? 0 : openSync(file, 'r');
	try {
		const buf = new Uint8Array(max + 1);
		let n = 0;
		for (;;) {
			let got: number;
			try {
				got = readSync(fd, buf, n, buf.length - n, null);
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue; // a non-blocking stdin
				throw e;
			}
			if (got === 0) break;
			n += got;
			if (n > max)
				throw new InputError(
					`more than ${max / (1024 * 1024)} MiB: a scenario file is at most ${max} bytes`
				);
		}
		return buf.subarray(0, n);
	} finally {
		if (fd !== 0) closeSync(fd);
	}
}

/** UTF-8 text, without a leading byte order mark; refuses invalid UTF-8 naming the byte offset. */
export function decodeUtf8(bytes: Uint8Array): string {
	const bad = firstInvalidUtf8(bytes);
	if (bad >= 0)
		throw new InputError(
			`not UTF-8 text: invalid byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at byte offset ${bad}`
		);
	const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	return new TextDecoder('utf-8').decode(bytes.subarray(start));
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
	let i = 0;
	while (i < b.length) {
		const c = b[i]!;
		if (c < 0x80) {
			i++;
			continue;
		}
		// The lead byte gives the length and the range of the first continuation byte (RFC 3629).
		let n: number,
			lo = 0x80,
			hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c === 0xe0) lo = 0xa0;
			if (c === 0xed) hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c === 0xf0) lo = 0x90;
			if (c === 0xf4) hi = 0x8f;
		} else return i;
		for (let k = 1; k <= n; k++) {
			const d = b[i + k];
			if (d === undefined) return i;
			if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i + k;
		}
		i += n + 1;
	}
	return -1;
}
