/**
 * Reads a trace-cmd data file (trace.dat, versions 6 and 7, uncompressed): the initial format,
 * the header page and header event, the event formats, the options (trace clock, CPU count,
 * buffers) and each buffer's per-CPU data, which are whole sub-buffers and go through the same
 * checks as a trace_pipe_raw capture (parseCapture). trace-cmd's reader is
 * lib/trace-cmd/trace-input.c (tracecmd_alloc_fd, read_headers_v6, handle_options,
 * handle_buffer_option, init_buffer_cpu_data). Pure, and it never throws or loops on malformed
 * input: a problem names the section and the byte offset in the file.
 */
import { MAX_CAPTURE_BYTES, parseCapture, type Capture } from '../ring/capture';
import {
	FILE_VERSION_MIN,
	FILE_VERSION_SECTIONS,
	TRACE_DAT_MAGIC,
	TRACECMD_OPTION_BUFFER,
	TRACECMD_OPTION_DONE,
	TRACECMD_OPTION_EVENT_FORMATS,
	TRACECMD_OPTION_FTRACE_EVENTS,
	TRACECMD_OPTION_HEADER_INFO,
	TRACECMD_SEC_FL_COMPRESS
} from './constants';
import { Cursor, Malformed } from './cursor';
import {
	checkSubbufSize,
	Gathered,
	readEventFormats,
	readFtraceFormats,
	readHeaderInfo,
	readOption,
	type BufferRef,
	type CpuRef
} from './read-parts';
import { readV6 } from './read-v6';
import { type EventFormat } from './event-format';

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

const SECTION_NAMES: Record<number, string> = {
	[TRACECMD_OPTION_DONE]: 'options',
	[TRACECMD_OPTION_HEADER_INFO]: 'header info',
	[TRACECMD_OPTION_FTRACE_EVENTS]: 'ftrace event formats',
	[TRACECMD_OPTION_EVENT_FORMATS]: 'event formats',
	[TRACECMD_OPTION_BUFFER]: 'buffer'
};

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
