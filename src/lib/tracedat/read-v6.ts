// Version 6 of trace.dat: its sections in a fixed order, no section headers, and the CPU tables
// after the "flyrecord" label (trace-input.c read_headers_v6, read_cpu_data).
import { latin1 } from './bytes';
import { TRACECMD_OPTION_DONE } from './constants';
import { Cursor } from './cursor';
import {
	Gathered,
	readEventFormats,
	readFtraceFormats,
	readHeaderInfo,
	readOption,
	type BufferRef
} from './read-parts';

/** Version 6: the sections in a fixed order (read_headers_v6), the options, then flyrecord. */
export function readV6(c: Cursor, g: Gathered): void {
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
export function readV6CpuTables(c: Cursor, g: Gathered, ncpu: number): void {
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
