/**
 * Reads a trace-cmd data file (trace.dat, versions 6 and 7, uncompressed): the initial format,
 * the header page and header event, the event formats, the options (trace clock, CPU count,
 * buffers) and each buffer's per-CPU data, which are whole sub-buffers and go through the same
 * checks as a trace_pipe_raw capture (parseCapture). trace-cmd's reader is
 * lib/trace-cmd/trace-input.c (tracecmd_alloc_fd, read_headers_v6, handle_options,
 * handle_buffer_option, init_buffer_cpu_data). Pure, and it never throws or loops on malformed
 * input: a problem names the section and the byte offset in the file.
 */
import { MAX_CAPTURE_BYTES, parseCapture, SUBBUF_SIZES, type Capture } from '../ring/capture';
import { latin1 } from './bytes';
import {
	FILE_VERSION_MIN,
	FILE_VERSION_SECTIONS,
	TRACE_DAT_MAGIC,
	TRACECMD_OPTION_BUFFER,
	TRACECMD_OPTION_BUFFER_TEXT,
	TRACECMD_OPTION_CPUCOUNT,
	TRACECMD_OPTION_DONE,
	TRACECMD_OPTION_EVENT_FORMATS,
	TRACECMD_OPTION_FTRACE_EVENTS,
	TRACECMD_OPTION_HEADER_INFO,
	TRACECMD_OPTION_TRACECLOCK,
	TRACECMD_OPTION_VERSION,
	TRACECMD_SEC_FL_COMPRESS
} from './constants';
import { parseEventFormat, type EventFormat } from './event-format';

/** One CPU's data of one buffer: where it is in the file and its sub-buffers. */
export interface TraceDatCpu {
	cpu: number;
	/** File offset of the CPU's first sub-buffer (sub-buffer offsets are relative to it). */
	offset: number;
	size: number;
	capture: Capture;
}

/** A recorded buffer: the top instance (name "") or a tracing instance (`-B NAME`). */
export interface TraceDatBuffer {
	name: string;
	clock: string | null;
	subbufSize: number;
	cpus: TraceDatCpu[];
}

export interface TraceDat {
	version: number;
	/** `none`, or the algorithm of a file that was refused. */
	compression: string;
	pageSize: number;
	headerPage: string;
	headerEvent: string;
	/** Every event format in the file, ftrace's first. */
	formats: EventFormat[];
	byId: Map<number, EventFormat>;
	clock: string | null;
	cpuCount: number | null;
	/** Who wrote it (the VERSION option), when said. */
	writer: string | null;
	buffers: TraceDatBuffer[];
}

export interface TraceDatProblem {
	/** The part of the file at fault, e.g. `options`, `event formats`, `buffer "" CPU 1`. */
	section: string;
	/** Byte offset in the file. */
	offset: number;
	message: string;
}

export type TraceDatResult = { ok: true; file: TraceDat } | { ok: false; error: TraceDatProblem };

/** Thrown inside the reader only; parseTraceDat turns it into a result. */
class Malformed extends Error {
	constructor(
		readonly section: string,
		readonly offset: number,
		message: string
	) {
		super(message);
	}
}

/** A bounds-checked little-endian cursor over the file. */
class Cursor {
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

const SECTION_NAMES: Record<number, string> = {
	[TRACECMD_OPTION_DONE]: 'options',
	[TRACECMD_OPTION_HEADER_INFO]: 'header info',
	[TRACECMD_OPTION_FTRACE_EVENTS]: 'ftrace event formats',
	[TRACECMD_OPTION_EVENT_FORMATS]: 'event formats',
	[TRACECMD_OPTION_BUFFER]: 'buffer'
};

function readHeaderInfo(c: Cursor): { headerPage: string; headerEvent: string } {
	const name1 = c.cstr('the header_page label', 32);
	if (name1 !== 'header_page') c.fail(`expected "header_page", found "${name1}"`);
	const headerPage = latin1(c.bytes(c.u64('header_page size'), 'header_page'));
	const name2 = c.cstr('the header_event label', 32);
	if (name2 !== 'header_event') c.fail(`expected "header_event", found "${name2}"`);
	const headerEvent = latin1(c.bytes(c.u64('header_event size'), 'header_event'));
	return { headerPage, headerEvent };
}

function readFormat(c: Cursor, system: string, out: EventFormat[]): void {
	const at = c.pos;
	const text = latin1(c.bytes(c.u64('format size'), `a ${system} event format`));
	const f = parseEventFormat(system, text);
	if (typeof f === 'string') c.fail(`${system} event format: ${f}`, at);
	out.push(f);
}

function readFtraceFormats(c: Cursor, out: EventFormat[]): void {
	const n = c.u32('ftrace event count');
	for (let i = 0; i < n; i++) readFormat(c, 'ftrace', out);
}

function readEventFormats(c: Cursor, out: EventFormat[]): void {
	const systems = c.u32('event system count');
	for (let s = 0; s < systems; s++) {
		const system = c.cstr('a system name', 256);
		const n = c.u32(`event count of ${system}`);
		for (let i = 0; i < n; i++) readFormat(c, system, out);
	}
}

/** The clock inside brackets of a trace_clock file ("x86-tsc [local] global"), or the text. */
function clockName(text: string): string | null {
	const m = /\[([^\]]+)\]/.exec(text);
	return m ? m[1]! : text.replace(/\0.*$/s, '').trim() || null;
}

interface CpuRef {
	cpu: number;
	offset: number;
	size: number;
}
interface BufferRef {
	name: string;
	clock: string | null;
	subbufSize: number;
	cpus: CpuRef[];
}

/** Checks a CPU's data and parses its sub-buffers like a capture (same checks, same messages). */
function readCpuData(file: Uint8Array, b: BufferRef, r: CpuRef, at: number): TraceDatCpu {
	const section = `buffer "${b.name}" CPU ${r.cpu}`;
	if (r.offset + r.size > file.length)
		throw new Malformed(
			section,
			at,
			`its data (${r.size} bytes at ${r.offset}) runs past the end of the file (${file.length} bytes): truncated`
		);
	if (r.size === 0)
		return { ...r, capture: { subbufSize: b.subbufSize, inferred: false, subbufs: [] } };
	const res = parseCapture(file.subarray(r.offset, r.offset + r.size), {
		subbufSize: b.subbufSize
	});
	if (!res.ok) throw new Malformed(section, r.offset + res.error.offset, res.error.message);
	return { ...r, capture: res.capture };
}

function checkSubbufSize(c: Cursor, size: number, what: string): void {
	if (!SUBBUF_SIZES.includes(size))
		c.fail(`${what} ${size} is not a sub-buffer size ringlab reads (4096 << 0..8)`);
}

/** Parses a trace.dat. Never throws: a malformed file gives `{ ok: false, error }`. */
export function parseTraceDat(file: Uint8Array): TraceDatResult {
	try {
		return { ok: true, file: read(file) };
	} catch (e) {
		if (e instanceof Malformed)
			return {
				ok: false,
				error: { section: e.section, offset: e.offset, message: e.message }
			};
		throw e;
	}
}

/** True when the bytes start like a trace.dat (the magic), whatever follows. */
export function isTraceDat(file: Uint8Array): boolean {
	return TRACE_DAT_MAGIC.every((b, i) => file[i] === b);
}

/** What the reader gathers before the per-CPU data are parsed. */
class Gathered {
	version = 0;
	pageSize = 0;
	compression = 'none';
	formats: EventFormat[] = [];
	header = { headerPage: '', headerEvent: '' };
	clock: string | null = null;
	cpuCount: number | null = null;
	writer: string | null = null;
	buffers: BufferRef[] = [];
	/** Where each buffer's data (v7: its BUFFER section; v6: after its CPU table) starts. */
	bufferAt = new Map<BufferRef, number>();
}

function read(file: Uint8Array): TraceDat {
	const c = new Cursor(file);
	const g = new Gathered();
	readInitialFormat(c, g);
	if (g.version >= FILE_VERSION_SECTIONS) readSections(c, g);
	else readV6(c, g);
	if (!g.buffers.length) {
		c.section = 'options';
		c.fail('no buffer: the file holds no trace data');
	}
	const byId = new Map<number, EventFormat>();
	for (const f of g.formats) byId.set(f.id, f);
	return {
		version: g.version,
		compression: g.compression,
		pageSize: g.pageSize,
		...g.header,
		formats: g.formats,
		byId,
		clock: g.clock ?? g.buffers[0]!.clock,
		cpuCount: g.cpuCount,
		writer: g.writer,
		buffers: g.buffers.map((b) => ({
			name: b.name,
			clock: b.clock,
			subbufSize: b.subbufSize,
			cpus: b.cpus.map((r) => readCpuData(file, b, r, g.bufferAt.get(b) ?? 0))
		}))
	};
}

/** The magic, the version, the endianness, the long size and the page size. */
function readInitialFormat(c: Cursor, g: Gathered): void {
	const file = c.b;
	if (file.length > MAX_CAPTURE_BYTES)
		c.fail(`the file is ${file.length} bytes: at most ${MAX_CAPTURE_BYTES} are read`, 0);
	const magic = c.bytes(Math.min(10, file.length), 'the magic');
	if (magic.length < 10 || !isTraceDat(magic))
		c.fail('not a trace.dat: it does not start with 0x17 0x08 0x44 "tracing"', 0);
	const vAt = c.pos;
	const vText = c.cstr('the version', 8);
	g.version = /^\d+$/.test(vText) ? Number(vText) : NaN;
	if (!(g.version >= FILE_VERSION_MIN && g.version <= FILE_VERSION_SECTIONS))
		c.fail(`file version "${vText}": ringlab reads versions 6 and 7`, vAt);
	const endian = c.u8('the endianness');
	if (endian !== 0)
		c.fail('a big-endian file: ringlab reads little-endian (x86-64) files', c.pos - 1);
	const longSize = c.u8('the long size');
	if (longSize !== 8) c.fail(`long size ${longSize}: ringlab reads 64-bit files`, c.pos - 1);
	g.pageSize = c.u32('the page size');
	checkSubbufSize(c, g.pageSize, 'page size');
}

/**
 * One option's data (handle_options). Returns the next options section's offset for a v7 DONE
 * option (the sections are chained), else null. Offsets in its errors are file offsets.
 */
function readOption(
	c: Cursor,
	g: Gathered,
	id: number,
	data: Uint8Array,
	at: number
): number | null {
	const o = new Cursor(data);
	o.section = c.section;
	try {
		if (id === TRACECMD_OPTION_TRACECLOCK && data.length) g.clock = clockName(latin1(data));
		else if (id === TRACECMD_OPTION_CPUCOUNT && data.length >= 4)
			g.cpuCount = o.u32('CPU count');
		else if (id === TRACECMD_OPTION_VERSION) g.writer = latin1(data).replace(/\0.*$/s, '');
		else if (id === TRACECMD_OPTION_BUFFER_TEXT)
			throw new Malformed(c.section, at, 'a latency (text) buffer: it holds no sub-buffers');
		else if (id === TRACECMD_OPTION_BUFFER) readBufferOption(o, g, data.length);
		else if (id === TRACECMD_OPTION_DONE && g.version >= FILE_VERSION_SECTIONS)
			return o.u64('next options offset');
	} catch (e) {
		if (e instanceof Malformed) throw new Malformed(e.section, at + e.offset, e.message);
		throw e;
	}
	return null;
}

/** A BUFFER option (handle_buffer_option): v7 also carries the buffer's clock and CPU table. */
function readBufferOption(o: Cursor, g: Gathered, length: number): void {
	const offset = o.u64('buffer offset');
	const name = o.cstr('buffer name', 256);
	const b: BufferRef = { name, clock: null, subbufSize: g.pageSize, cpus: [] };
	if (g.version >= FILE_VERSION_SECTIONS) {
		b.clock = o.cstr('buffer clock', 256);
		b.subbufSize = o.u32('buffer page size');
		checkSubbufSize(o, b.subbufSize, 'buffer page size');
		const n = o.u32('buffer CPU count');
		if (n * 20 > length) o.fail(`${n} CPUs do not fit in the option`);
		for (let i = 0; i < n; i++)
			b.cpus.push({
				cpu: o.u32('CPU id'),
				offset: o.u64('CPU data offset'),
				size: o.u64('CPU data size')
			});
	}
	g.bufferAt.set(b, offset);
	g.buffers.push(b);
}

/** Reads a v7 section header at `offset`, expecting section `id`; returns its data size. */
function sectionAt(c: Cursor, g: Gathered, offset: number, id: number): number {
	c.section = SECTION_NAMES[id] ?? `section ${id}`;
	c.seek(offset, `the ${c.section} section offset`);
	const got = c.u16('section id');
	if (got !== id)
		c.fail(`section id ${got} where section ${id} (${c.section}) was named`, offset);
	const flags = c.u16('section flags');
	if (flags & TRACECMD_SEC_FL_COMPRESS)
		c.fail(`the ${c.section} section is compressed with ${g.compression}`, offset);
	c.u32('section description');
	const size = c.u64('section size');
	c.need(size, `the ${c.section} section`);
	return size;
}

/** Version 7: the compression header, the chained options sections, then the sections they name. */
function readSections(c: Cursor, g: Gathered): void {
	c.section = 'compression header';
	const cAt = c.pos;
	g.compression = c.cstr('the compression name', 64);
	const cver = c.cstr('the compression version', 64);
	if (g.compression !== 'none')
		c.fail(
			`compressed with ${g.compression} ${cver}: ringlab reads uncompressed files only (record with --compression none, or convert one with trace-cmd convert --compression none)`,
			cAt
		);
	const sections = readOptionSections(c, g, c.u64('the options offset'));
	const h = sections.get(TRACECMD_OPTION_HEADER_INFO);
	if (h === undefined) {
		c.section = 'options';
		c.fail('no HEADER_INFO option: the file does not say how its sub-buffers are laid out');
	}
	sectionAt(c, g, h, TRACECMD_OPTION_HEADER_INFO);
	g.header = readHeaderInfo(c);
	const fe = sections.get(TRACECMD_OPTION_FTRACE_EVENTS);
	if (fe !== undefined) {
		sectionAt(c, g, fe, TRACECMD_OPTION_FTRACE_EVENTS);
		readFtraceFormats(c, g.formats);
	}
	const ev = sections.get(TRACECMD_OPTION_EVENT_FORMATS);
	if (ev !== undefined) {
		sectionAt(c, g, ev, TRACECMD_OPTION_EVENT_FORMATS);
		readEventFormats(c, g.formats);
	}
	for (const b of g.buffers) sectionAt(c, g, g.bufferAt.get(b)!, TRACECMD_OPTION_BUFFER);
}

/** Walks the chain of v7 options sections from `next`; returns the sections they point at. */
function readOptionSections(c: Cursor, g: Gathered, next: number): Map<number, number> {
	const seen = new Set<number>();
	const sections = new Map<number, number>();
	while (next) {
		if (seen.has(next)) c.fail(`options section at ${next} is chained twice (a loop)`);
		seen.add(next);
		const end = sectionAt(c, g, next, TRACECMD_OPTION_DONE) + c.pos;
		next = 0;
		for (;;) {
			if (c.pos >= end) c.fail('the options end without a DONE option');
			const at = c.pos;
			const id = c.u16('option id');
			const len = c.u32('option size');
			if (c.pos + len > end) c.fail(`option ${id} (${len} bytes) runs past its section`, at);
			const dataAt = c.pos;
			const data = c.bytes(len, `option ${id}`);
			if (
				id >= TRACECMD_OPTION_HEADER_INFO &&
				id <= TRACECMD_OPTION_EVENT_FORMATS &&
				len >= 8
			)
				sections.set(id, new Cursor(data).u64('section offset'));
			const r = readOption(c, g, id, data, dataAt);
			if (id === TRACECMD_OPTION_DONE) {
				next = r ?? 0;
				break;
			}
		}
	}
	return sections;
}

/** Version 6: the sections in a fixed order (read_headers_v6), the options, then flyrecord. */
function readV6(c: Cursor, g: Gathered): void {
	c.section = 'header info';
	g.header = readHeaderInfo(c);
	c.section = 'ftrace event formats';
	readFtraceFormats(c, g.formats);
	c.section = 'event formats';
	readEventFormats(c, g.formats);
	c.section = 'kallsyms';
	c.bytes(c.u32('kallsyms size'), 'kallsyms');
	c.section = 'printk';
	c.bytes(c.u32('printk formats size'), 'printk formats');
	c.section = 'cmdlines';
	c.bytes(c.u64('saved cmdlines size'), 'saved cmdlines');
	c.section = 'CPU count';
	const ncpu = c.u32('CPU count');
	g.cpuCount = ncpu;
	c.section = 'options';
	let label = latin1(c.bytes(10, 'the options / flyrecord label'));
	if (label === 'options  \0') {
		for (;;) {
			const id = c.u16('option id');
			if (id === TRACECMD_OPTION_DONE) break;
			const len = c.u32('option size');
			const at = c.pos;
			readOption(c, g, id, c.bytes(len, `option ${id}`), at);
		}
		label = latin1(c.bytes(10, 'the flyrecord label'));
	}
	c.section = 'flyrecord';
	if (label === 'latency  \0')
		c.fail('a latency trace (text): it holds no sub-buffers', c.pos - 10);
	if (label !== 'flyrecord\0')
		c.fail(`expected "flyrecord", found ${JSON.stringify(label)}`, c.pos - 10);
	readV6CpuTables(c, g, ncpu);
}

/**
 * Version 6 keeps the top buffer's CPU table after "flyrecord" (instances have BUFFER options
 * whose offset points at a table of the same shape).
 */
function readV6CpuTables(c: Cursor, g: Gathered, ncpu: number): void {
	const table = (b: BufferRef) => {
		for (let i = 0; i < ncpu; i++)
			b.cpus.push({ cpu: i, offset: c.u64('CPU data offset'), size: c.u64('CPU data size') });
	};
	const top: BufferRef = { name: '', clock: g.clock, subbufSize: g.pageSize, cpus: [] };
	if (ncpu * 16 > c.b.length) c.fail(`${ncpu} CPUs do not fit in the file`);
	table(top);
	for (const b of g.buffers) {
		c.seek(g.bufferAt.get(b)!, `buffer "${b.name}" offset`);
		c.section = `buffer "${b.name}"`;
		const l = latin1(c.bytes(10, 'the flyrecord label'));
		if (l !== 'flyrecord\0') c.fail(`expected "flyrecord", found ${JSON.stringify(l)}`);
		table(b);
	}
	g.buffers.unshift(top);
	for (const b of g.buffers) {
		b.clock ??= g.clock;
		g.bufferAt.set(b, c.pos);
	}
}
