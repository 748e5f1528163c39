/**
 * Real captures: a `trace_pipe_raw` file (what `cat per_cpu/cpuN/trace_pipe_raw > f` saves on any
 * x86-64 Linux, what `ringlab run --raw-dir` and `ringlab kernel run --out` write) is a sequence
 * of whole sub-buffers. This pure parser splits it into sub-buffers with their header (time_stamp,
 * commit, RB_MISSED_EVENTS / RB_MISSED_STORED and the stored missed count) and their records
 * decoded as the page inspector shows them (decodeRecords). Malformed input never throws and never
 * loops: the result names the sub-buffer, the byte offset in the file and what is wrong.
 * Kernel: struct buffer_data_page, rb_event_length, ring_buffer_read_page (the missed count).
 */
import {
	BUF_PAGE_HDR_SIZE,
	MAX_SUBBUF_ORDER,
	PAGE_SIZE,
	RB_MISSED_EVENTS,
	RB_MISSED_STORED,
	RINGBUF_TYPE_DATA_TYPE_LEN_MAX,
	RINGBUF_TYPE_PADDING,
	RINGBUF_TYPE_TIME_EXTEND,
	RINGBUF_TYPE_TIME_STAMP
} from './constants';
import type { PageState } from './describe';
import { decodeRecords, type DecodedRecord } from './format';
import { recordPayload } from './geometry';

/** One sub-buffer of a capture, in the shape the page inspector shows. */
export interface CapturedSubbuf {
	/** Position in the file: 0, 1, ... */
	index: number;
	/** Byte offset of the sub-buffer in the file. */
	fileOffset: number;
	timeStamp: number;
	/** The 64-bit commit word as 16 hex digits (sign-extended when bit 31 is set). */
	commitWord: string;
	/** Committed bytes, flags masked (rb_page_size). */
	commit: number;
	missedEvents: boolean;
	missedStored: boolean;
	/** The missed-events count stored after the data, or null when not stored. */
	missed: number | null;
	/** Data records (entries) on it. */
	entries: number;
	/** Its records, decoded at the first read (a capture of any size is indexed, not decoded). */
	readonly records: DecodedRecord[];
	/**
	 * The sub-buffer's bytes (a copy made at the first read), for payload dumps: the data of
	 * record r at 16 + r.dataOffset.
	 */
	readonly bytes: Uint8Array;
}

/**
 * The largest capture parseCapture takes: 512 MiB. Parsing indexes the sub-buffers (headers and a
 * walk of the record lengths, no copy) and decodes a sub-buffer's records when it is shown, so the
 * memory beyond the file itself is a small object per sub-buffer.
 */
export const MAX_CAPTURE_BYTES = 512 * 1024 * 1024;

/** A checked sub-buffer of a capture: the header now, the bytes and records when first asked. */
class IndexedSubbuf implements CapturedSubbuf {
	#bytes: Uint8Array | null = null;
	#records: DecodedRecord[] | null = null;
	constructor(
		private readonly file: Uint8Array,
		private readonly size: number,
		readonly index: number,
		readonly fileOffset: number,
		readonly timeStamp: number,
		readonly commitWord: string,
		readonly commit: number,
		readonly missedEvents: boolean,
		readonly missedStored: boolean,
		readonly missed: number | null,
		readonly entries: number
	) {}

	get bytes(): Uint8Array {
		// A copy: aligned for the Int32Array that decodeRecords reads.
		this.#bytes ??= this.file.slice(this.fileOffset, this.fileOffset + this.size);
		return this.#bytes;
	}

	get records(): DecodedRecord[] {
		if (!this.#records) {
			const page = this.bytes;
			const i32 = new Int32Array(page.buffer, page.byteOffset, page.byteLength >> 2);
			this.#records = decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, this.commit, this.timeStamp);
		}
		return this.#records;
	}
}

export interface Capture {
	subbufSize: number;
	/** True when the size was inferred from the headers rather than given. */
	inferred: boolean;
	subbufs: CapturedSubbuf[];
}

export interface CaptureProblem {
	/** Index of the sub-buffer at fault (0 for a problem with the whole file). */
	page: number;
	/** Byte offset in the file where the problem is. */
	offset: number;
	message: string;
}

export type CaptureResult = { ok: true; capture: Capture } | { ok: false; error: CaptureProblem };

export interface CaptureOptions {
	/** Sub-buffer size in bytes (4096 << order); inferred from the headers when left out. */
	subbufSize?: number;
}

/** Sub-buffer sizes the kernel can have: 4 KiB << 0..8. */
export const SUBBUF_SIZES: readonly number[] = Array.from(
	{ length: MAX_SUBBUF_ORDER + 1 },
	(_, i) => PAGE_SIZE << i
);

const SIZE_MASK = 0x07ffffff;

function fail(page: number, offset: number, message: string): CaptureResult {
	return { ok: false, error: { page, offset, message } };
}

/**
 * Checks one sub-buffer (copied to aligned memory) and decodes it; a problem names the file
 * offset. Every loop advances by at least 4 bytes and stops at the commit.
 */
function parseSubbuf(
	file: Uint8Array,
	size: number,
	index: number,
	base: number
): { ok: true; subbuf: CapturedSubbuf } | { ok: false; error: CaptureProblem } {
	const dv = new DataView(file.buffer, file.byteOffset + base, size);
	const capacity = size - BUF_PAGE_HDR_SIZE;
	const lo = dv.getUint32(8, true);
	const hi = dv.getUint32(12, true);
	const where = `sub-buffer ${index}`;
	const bad = (offset: number, message: string) => ({
		ok: false as const,
		error: { page: index, offset: base + offset, message: `${where}: ${message}` }
	});
	const signExt = lo & RB_MISSED_EVENTS ? 0xffffffff : 0;
	if (hi !== 0 && hi !== signExt)
		return bad(
			8,
			`commit word 0x${hi.toString(16).padStart(8, '0')}${lo.toString(16).padStart(8, '0')} is not a commit (the upper half must be 0, or all ones when bit 31 is set)`
		);
	if ((lo >>> 0) & 0x38000000)
		return bad(8, `commit word has bits 27-29 set (0x${lo.toString(16)}): not a commit`);
	const commit = lo & SIZE_MASK;
	const missedEvents = (lo & RB_MISSED_EVENTS) !== 0;
	const missedStored = (lo & RB_MISSED_STORED) !== 0;
	if (commit > capacity)
		return bad(8, `commit ${commit} is past the end of the data area (${capacity} bytes)`);
	if (missedStored && !missedEvents)
		return bad(8, 'RB_MISSED_STORED (bit 30) is set without RB_MISSED_EVENTS (bit 31)');
	let missed: number | null = null;
	if (missedStored) {
		if (commit + 8 > capacity)
			return bad(
				8,
				`RB_MISSED_STORED is set but no room for the count after commit ${commit}`
			);
		missed =
			dv.getUint32(BUF_PAGE_HDR_SIZE + commit, true) +
			dv.getUint32(BUF_PAGE_HDR_SIZE + commit + 4, true) * 2 ** 32;
	}
	// Walk the records (decoding waits until they are shown): each must fit inside the commit.
	let off = 0;
	let extendAt = -1;
	let entries = 0;
	while (off < commit) {
		const at = BUF_PAGE_HDR_SIZE + off;
		if (commit - off < 4)
			return bad(at, `${commit - off} bytes left before commit: no room for a record header`);
		const w = dv.getUint32(at, true);
		const t = w & 0x1f;
		const delta = w >>> 5;
		let len: number;
		if (t === RINGBUF_TYPE_PADDING && delta === 0) len = commit - off;
		else if (t === RINGBUF_TYPE_TIME_EXTEND || t === RINGBUF_TYPE_TIME_STAMP) len = 8;
		else if (t === 0 || t === RINGBUF_TYPE_PADDING) {
			if (commit - off < 8)
				return bad(
					at,
					`a ${t === 0 ? 'large data' : 'padding'} record needs its length word, ${commit - off} bytes are left`
				);
			const a0 = dv.getUint32(at + 4, true);
			if (a0 % 4 || a0 < 4)
				return bad(
					at + 4,
					`length word ${a0} of the record at data offset ${off} is not a positive multiple of 4`
				);
			len = a0 + 4;
		} else len = t * 4 + 4;
		if (len > commit - off)
			return bad(
				at,
				`the record at data offset ${off} (type_len ${t}) is ${len} bytes and runs past commit ${commit}`
			);
		if (extendAt >= 0 && t > RINGBUF_TYPE_DATA_TYPE_LEN_MAX && t !== RINGBUF_TYPE_PADDING)
			return bad(at, `two time records in a row (data offset ${extendAt} and ${off})`);
		extendAt = t === RINGBUF_TYPE_TIME_EXTEND || t === RINGBUF_TYPE_TIME_STAMP ? off : -1;
		if (t <= RINGBUF_TYPE_DATA_TYPE_LEN_MAX) entries++;
		off += len;
	}
	if (extendAt >= 0)
		return bad(
			BUF_PAGE_HDR_SIZE + extendAt,
			`the time record at data offset ${extendAt} is the last record: the event it belongs to is missing`
		);
	const timeStamp = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
	const commitWord = hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
	return {
		ok: true,
		subbuf: new IndexedSubbuf(
			file,
			size,
			index,
			base,
			timeStamp,
			commitWord,
			commit,
			missedEvents,
			missedStored,
			missed,
			entries
		)
	};
}

function parseWithSize(bytes: Uint8Array, size: number, inferred: boolean): CaptureResult {
	const n = Math.floor(bytes.length / size);
	if (bytes.length % size)
		return fail(
			n,
			n * size,
			`the file ends inside sub-buffer ${n}: ${bytes.length % size} of its ${size} bytes are there (truncated, or not ${size}-byte sub-buffers)`
		);
	const subbufs: CapturedSubbuf[] = [];
	for (let i = 0; i < n; i++) {
		const r = parseSubbuf(bytes, size, i, i * size);
		if (!r.ok) return r;
		subbufs.push(r.subbuf);
	}
	return { ok: true, capture: { subbufSize: size, inferred, subbufs } };
}

/**
 * Parses a trace_pipe_raw capture. With no size given, tries 4 KiB, 8 KiB, ... and takes the
 * smallest size at which every sub-buffer is well formed and none is empty (a read never hands
 * out an empty sub-buffer, but the second half of a larger one often looks like one).
 */
export function parseCapture(bytes: Uint8Array, opts: CaptureOptions = {}): CaptureResult {
	if (bytes.length === 0)
		return fail(0, 0, 'the file is empty: a capture holds whole sub-buffers');
	if (bytes.length > MAX_CAPTURE_BYTES)
		return fail(
			0,
			0,
			`the file is ${bytes.length} bytes: a capture is at most ${MAX_CAPTURE_BYTES} bytes (${MAX_CAPTURE_BYTES / 2 ** 20} MiB)`
		);
	if (opts.subbufSize !== undefined) {
		if (!SUBBUF_SIZES.includes(opts.subbufSize))
			return fail(
				0,
				0,
				`sub-buffer size ${opts.subbufSize} is not 4096 << 0..${MAX_SUBBUF_ORDER}`
			);
		return parseWithSize(bytes, opts.subbufSize, false);
	}
	let first: CaptureResult | null = null;
	let fallback: CaptureResult | null = null;
	for (const size of SUBBUF_SIZES) {
		if (size > bytes.length) break;
		const r = parseWithSize(bytes, size, true);
		first ??= r;
		if (!r.ok) continue;
		if (r.capture.subbufs.every((s) => s.commit > 0)) return r;
		fallback ??= r;
	}
	if (fallback) return fallback;
	return (
		first ??
		fail(
			0,
			0,
			`the file (${bytes.length} bytes) is shorter than one sub-buffer (${PAGE_SIZE} bytes)`
		)
	);
}

/**
 * A captured sub-buffer as the page inspector's header shows a live one (PageState's fields):
 * what a capture cannot know (the descriptor's write, read and real_end, links) is given as a
 * page just handed to a reader: write = commit, read 0, real_end 0, no ID.
 */
export function capturedPageState(
	s: CapturedSubbuf
): Pick<
	PageState,
	| 'page'
	| 'id'
	| 'commit'
	| 'missedEvents'
	| 'missedStored'
	| 'timeStamp'
	| 'write'
	| 'entries'
	| 'read'
	| 'realEnd'
> {
	return {
		page: s.index,
		id: null,
		commit: s.commit,
		missedEvents: s.missedEvents,
		missedStored: s.missedStored,
		timeStamp: s.timeStamp,
		write: s.commit,
		entries: s.entries,
		read: 0,
		realEnd: 0
	};
}

/** The payload bytes of a data record of a captured sub-buffer (a view), or null for others. */
export function capturedPayload(s: CapturedSubbuf, r: DecodedRecord): Uint8Array | null {
	return r.kind === 'data' ? recordPayload(s.bytes, r) : null;
}
