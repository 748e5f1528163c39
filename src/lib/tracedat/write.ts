/**
 * Writes a trace-cmd data file (trace.dat, version 7, uncompressed) holding a run's per-CPU
 * sub-buffers byte for byte, as `trace-cmd record` stores what it read from each CPU's
 * trace_pipe_raw. trace-cmd's writer is lib/trace-cmd/trace-output.c (tracecmd_output_create,
 * out_write_section_header, tracecmd_write_cpu_data, out_add_buffer_option); the layout is
 * Documentation/trace-cmd/trace-cmd.dat.v7.5.txt. Pure: no DOM, no Node.
 *
 * Layout: the initial format (magic, "7", endianness, long size, page size), the compression
 * header ("none", ""), the offset of the options section, then sections one after the other
 * (strings, header info, ftrace events, event formats, kallsyms, printk, command lines, options),
 * last the flyrecord buffer section whose per-CPU data start at sub-buffer aligned offsets.
 * Readers walk the sections by their sizes (read_metadata_strings), so they are contiguous.
 */
import { ascii, ByteSink } from './bytes';
import {
	FILE_VERSION_WRITTEN,
	SECTION_HEADER_BYTES,
	TRACE_DAT_MAGIC,
	TRACECMD_OPTION_BUFFER,
	TRACECMD_OPTION_CMDLINES,
	TRACECMD_OPTION_CPUCOUNT,
	TRACECMD_OPTION_DONE,
	TRACECMD_OPTION_EVENT_FORMATS,
	TRACECMD_OPTION_FTRACE_EVENTS,
	TRACECMD_OPTION_HEADER_INFO,
	TRACECMD_OPTION_KALLSYMS,
	TRACECMD_OPTION_PRINTK,
	TRACECMD_OPTION_STRINGS,
	TRACECMD_OPTION_TRACECLOCK,
	TRACECMD_OPTION_VERSION
} from './constants';
import { headerEventText, headerPageText, RINGLAB_SYSTEM, ringlabEventFormat } from './formats';

export interface TraceDatInput {
	/** Sub-buffer size in bytes (4096 << order); also written as the file's page size. */
	subbufSize: number;
	/** Per CPU, its sub-buffers in the order they were read, each `subbufSize` bytes. */
	cpus: readonly (readonly Uint8Array[])[];
	/** The trace clock's name (default `local`, the kernel's default nanosecond clock). */
	clock?: string;
	/** Written in the VERSION option (default `ringlab`). */
	version?: string;
}

/** Section descriptions, stored once in the strings section; the headers name them by offset. */
const DESCRIPTIONS = [
	'strings',
	'headers',
	'ftrace events',
	'events format',
	'kallsyms',
	'printk',
	'command lines',
	'options',
	'buffer flyrecord '
] as const;
type Description = (typeof DESCRIPTIONS)[number];

function stringsTable(): { bytes: Uint8Array; id: Record<Description, number> } {
	const id = {} as Record<Description, number>;
	const s = new ByteSink();
	for (const d of DESCRIPTIONS) {
		id[d] = s.at;
		s.cstr(d);
	}
	return { bytes: s.toBytes(), id };
}

/** A u64-length-prefixed text file (header files, event formats, command lines). */
function sized8(s: ByteSink, text: string): void {
	const b = ascii(text);
	s.u64(b.length);
	s.bytes(b);
}

function sized4(s: ByteSink, text: string): void {
	const b = ascii(text);
	s.u32(b.length);
	s.bytes(b);
}

function body(fill: (s: ByteSink) => void): Uint8Array {
	const s = new ByteSink();
	fill(s);
	return s.toBytes();
}

/** Encodes a trace.dat. Kernel counterpart: none (this is trace-cmd's file, not the kernel's). */
export function encodeTraceDat(input: TraceDatInput): Uint8Array {
	const { subbufSize } = input;
	const clock = input.clock ?? 'local';
	checkSubbufs(input);
	const strings = stringsTable();
	const out = new ByteSink();
	const optionsOffsetAt = writeInitialFormat(out, subbufSize);
	const section = (id: number, desc: Description, data: Uint8Array): number => {
		const at = out.at;
		out.u16(id);
		out.u16(0);
		out.u32(strings.id[desc]);
		out.u64(data.length);
		out.bytes(data);
		return at;
	};
	section(TRACECMD_OPTION_STRINGS, 'strings', strings.bytes);
	const offsets = metaSections(subbufSize).map(
		([id, desc, data]) => [id, section(id, desc, data)] as [number, number]
	);
	// The options section comes before the buffer section, whose offset it names: that offset
	// is known once the options' size is, and the options' size does not depend on it.
	const texts = {
		clock: ascii(`[${clock}]\n\0`),
		version: ascii(`${input.version ?? 'ringlab'}\0`)
	};
	const ncpu = input.cpus.length;
	const optionsSize =
		offsets.length * (6 + 8) + // section offsets
		(6 + 4) + // CPUCOUNT
		(6 + texts.clock.length) +
		(6 + texts.version.length) +
		(6 + 8 + ascii(`\0${clock}\0`).length + 4 + 4 + ncpu * 20) + // BUFFER
		(6 + 8); // DONE
	const optionsAt = out.at;
	const bufferAt = optionsAt + SECTION_HEADER_BYTES + optionsSize;
	const cpuData = layoutCpuData(input, bufferAt + SECTION_HEADER_BYTES);
	const options = encodeOptions(offsets, texts, {
		bufferAt,
		clock,
		subbufSize,
		cpuData
	});
	if (options.length !== optionsSize) throw new Error('trace.dat options size mismatch');
	section(TRACECMD_OPTION_DONE, 'options', options);
	writeFlyrecord(out, strings.id['buffer flyrecord '], input, cpuData, bufferAt);
	const file = out.toBytes();
	new DataView(file.buffer).setBigUint64(optionsOffsetAt, BigInt(optionsAt), true);
	return file;
}

function checkSubbufs({ cpus, subbufSize }: TraceDatInput): void {
	for (const [cpu, subbufs] of cpus.entries())
		for (const [i, b] of subbufs.entries())
			if (b.length !== subbufSize)
				throw new RangeError(
					`CPU ${cpu} sub-buffer ${i} is ${b.length} bytes, not ${subbufSize}`
				);
}

/** The initial format and the compression header; returns where the options offset goes. */
function writeInitialFormat(out: ByteSink, subbufSize: number): number {
	out.bytes(Uint8Array.from(TRACE_DAT_MAGIC));
	out.cstr(String(FILE_VERSION_WRITTEN));
	out.u8(0); // little endian
	out.u8(8); // user space long size
	out.u32(subbufSize);
	out.cstr('none'); // compression name and version
	out.cstr('');
	const optionsOffsetAt = out.at;
	out.u64(0); // patched at the end
	return optionsOffsetAt;
}

/** The sections the options name by offset, in file order: headers, formats, symbols, tasks. */
function metaSections(subbufSize: number): [number, Description, Uint8Array][] {
	return [
		[
			TRACECMD_OPTION_HEADER_INFO,
			'headers',
			body((s) => {
				s.cstr('header_page');
				sized8(s, headerPageText(subbufSize));
				s.cstr('header_event');
				sized8(s, headerEventText());
			})
		],
		[TRACECMD_OPTION_FTRACE_EVENTS, 'ftrace events', body((s) => s.u32(0))],
		[
			TRACECMD_OPTION_EVENT_FORMATS,
			'events format',
			body((s) => {
				s.u32(1); // one system
				s.cstr(RINGLAB_SYSTEM);
				s.u32(1); // one event
				sized8(s, ringlabEventFormat());
			})
		],
		[TRACECMD_OPTION_KALLSYMS, 'kallsyms', body((s) => sized4(s, ''))],
		[TRACECMD_OPTION_PRINTK, 'printk', body((s) => sized4(s, ''))],
		[TRACECMD_OPTION_CMDLINES, 'command lines', body((s) => sized8(s, ''))]
	];
}

interface CpuData {
	offset: number;
	size: number;
}

/** Each CPU's sub-buffers at the next sub-buffer aligned offset from `at`. */
function layoutCpuData({ cpus, subbufSize }: TraceDatInput, at: number): CpuData[] {
	return cpus.map((subbufs) => {
		at = Math.ceil(at / subbufSize) * subbufSize;
		const d = { offset: at, size: subbufs.length * subbufSize };
		at += d.size;
		return d;
	});
}

/** The options section's data (out_add_buffer_option and friends). */
function encodeOptions(
	offsets: [number, number][],
	texts: { clock: Uint8Array; version: Uint8Array },
	buffer: { bufferAt: number; clock: string; subbufSize: number; cpuData: CpuData[] }
): Uint8Array {
	return body((s) => {
		const option = (id: number, data: Uint8Array) => {
			s.u16(id);
			s.u32(data.length);
			s.bytes(data);
		};
		for (const [id, off] of offsets)
			option(
				id,
				body((b) => b.u64(off))
			);
		option(
			TRACECMD_OPTION_CPUCOUNT,
			body((b) => b.u32(buffer.cpuData.length))
		);
		option(TRACECMD_OPTION_TRACECLOCK, texts.clock);
		option(TRACECMD_OPTION_VERSION, texts.version);
		option(
			TRACECMD_OPTION_BUFFER,
			body((b) => {
				b.u64(buffer.bufferAt);
				b.cstr(''); // the top instance
				b.cstr(buffer.clock);
				b.u32(buffer.subbufSize);
				b.u32(buffer.cpuData.length);
				for (const [cpu, d] of buffer.cpuData.entries()) {
					b.u32(cpu);
					b.u64(d.offset);
					b.u64(d.size);
				}
			})
		);
		option(
			TRACECMD_OPTION_DONE,
			body((b) => b.u64(0))
		);
	});
}

/** The flyrecord section: its size covers the padding and every CPU's data. */
function writeFlyrecord(
	out: ByteSink,
	descId: number,
	input: TraceDatInput,
	cpuData: CpuData[],
	bufferAt: number
): void {
	const last = cpuData[cpuData.length - 1];
	const end = last ? last.offset + last.size : bufferAt + SECTION_HEADER_BYTES;
	out.u16(TRACECMD_OPTION_BUFFER);
	out.u16(0);
	out.u32(descId);
	out.u64(end - (bufferAt + SECTION_HEADER_BYTES));
	for (const [cpu, subbufs] of input.cpus.entries()) {
		out.zeros(cpuData[cpu]!.offset - out.at);
		for (const b of subbufs) out.bytes(b);
	}
}
