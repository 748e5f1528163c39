// The parts of a trace.dat both versions share (trace-input.c read_header_files,
// read_ftrace_files, read_event_files, handle_options, handle_buffer_option): the header files,
// the event formats and the options, gathered for read.ts.
import { SUBBUF_SIZES } from '../ring/capture';
import { latin1 } from './bytes';
import {
	FILE_VERSION_SECTIONS,
	TRACECMD_OPTION_BUFFER,
	TRACECMD_OPTION_BUFFER_TEXT,
	TRACECMD_OPTION_CPUCOUNT,
	TRACECMD_OPTION_DONE,
	TRACECMD_OPTION_TRACECLOCK,
	TRACECMD_OPTION_VERSION
} from './constants';
import { Cursor, Malformed } from './cursor';
import { parseEventFormat, type EventFormat } from './event-format';

export function readHeaderInfo(c: Cursor): { headerPage: string; headerEvent: string } {
	const name1 = c.cstr('the header_page label', 32);
	if (name1 !== 'header_page') c.fail(`expected "header_page", found "${name1}"`);
	const headerPage = latin1(c.bytes(c.u64('header_page size'), 'header_page'));
	const name2 = c.cstr('the header_event label', 32);
	if (name2 !== 'header_event') c.fail(`expected "header_event", found "${name2}"`);
	const headerEvent = latin1(c.bytes(c.u64('header_event size'), 'header_event'));
	return { headerPage, headerEvent };
}

export function readFormat(c: Cursor, system: string, out: EventFormat[]): void {
	const at = c.pos;
	const text = latin1(c.bytes(c.u64('format size'), `a ${system} event format`));
	const f = parseEventFormat(system, text);
	if (typeof f === 'string') c.fail(`${system} event format: ${f}`, at);
	out.push(f);
}

export function readFtraceFormats(c: Cursor, out: EventFormat[]): void {
	const n = c.u32('ftrace event count');
	for (let i = 0; i < n; i++) readFormat(c, 'ftrace', out);
}

export function readEventFormats(c: Cursor, out: EventFormat[]): void {
	const systems = c.u32('event system count');
	for (let s = 0; s < systems; s++) {
		const system = c.cstr('a system name', 256);
		const n = c.u32(`event count of ${system}`);
		for (let i = 0; i < n; i++) readFormat(c, system, out);
	}
}

/** The clock inside brackets of a trace_clock file ("x86-tsc [local] global"), or the text. */
export function clockName(text: string): string | null {
	const m = /\[([^\]]+)\]/.exec(text);
	return m ? m[1]! : text.replace(/\0.*$/s, '').trim() || null;
}

export interface CpuRef {
	cpu: number;
	offset: number;
	size: number;
}
export interface BufferRef {
	name: string;
	clock: string | null;
	subbufSize: number;
	cpus: CpuRef[];
}

export function checkSubbufSize(c: Cursor, size: number, what: string): void {
	if (!SUBBUF_SIZES.includes(size))
		c.fail(`${what} ${size} is not a sub-buffer size ringlab reads (4096 << 0..8)`);
}

/** What the reader gathers before the per-CPU data are parsed. */
export class Gathered {
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

/**
 * One option's data (handle_options). Returns the next options section's offset for a v7 DONE
 * option (the sections are chained), else null. Offsets in its errors are file offsets.
 */
export function readOption(
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
export function readBufferOption(o: Cursor, g: Gathered, length: number): void {
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
