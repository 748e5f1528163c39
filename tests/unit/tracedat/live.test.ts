// A trace.dat of the live kernel (issue 19): where root and tracefs allow it, a few
// trace_marker_raw writes in a private tracing instance are read from its per-CPU trace_pipe_raw,
// trace-cmd writes them into a trace.dat, and parseTraceDat gives the events `trace-cmd report`
// prints. Skipped, saying why, elsewhere (tests/fixtures/tracedat/raw-data.dat was made this way).
//
// The file is written by `trace-cmd restore` (trace-cmd's own writer, the one record uses), not by
// `trace-cmd record`: on the machine this was built on, record dies clearing the instance's
// set_ftrace_filter (EPERM, function tracing is not allowed there) before it runs its command.
import { spawnSync } from 'node:child_process';
import {
	closeSync,
	constants,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readdirSync,
	readFileSync,
	readSync,
	rmdirSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeEvent, parseTraceDat } from '../../../src/lib/tracedat';

const TRACEFS = '/sys/kernel/tracing';

function why(): string | null {
	if (process.env.RINGLAB_NO_KERNEL) return 'RINGLAB_NO_KERNEL is set';
	if (process.platform !== 'linux') return `not Linux (${process.platform})`;
	if (process.getuid?.() !== 0) return 'not root (tracefs instances need root)';
	if (!existsSync(join(TRACEFS, 'instances'))) return `no tracefs instances at ${TRACEFS}`;
	if (spawnSync('trace-cmd', ['--version']).error) return 'trace-cmd is not installed';
	return null;
}
const skip = why();
if (skip) console.warn(`live trace.dat test skipped: ${skip}`);

/** Reads a trace_pipe_raw without blocking: every whole sub-buffer it has now. */
function drainRaw(path: string): Buffer {
	const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	const pages: Buffer[] = [];
	try {
		for (;;) {
			const b = Buffer.alloc(4096);
			let n: number;
			try {
				n = readSync(fd, b);
			} catch (e) {
				if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
				throw e;
			}
			if (n <= 0) break;
			pages.push(b.subarray(0, n));
		}
	} finally {
		closeSync(fd);
	}
	return Buffer.concat(pages);
}

function run(cmd: string, args: string[]): string {
	const r = spawnSync(cmd, args, { encoding: 'utf8' });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
	return r.stdout;
}

describe.skipIf(skip)('a trace.dat of the live kernel', () => {
	test('trace_marker_raw writes in an instance: parseTraceDat gives what trace-cmd report prints', () => {
		const dir = mkdtempSync(join(tmpdir(), 'ringlab-live-dat-'));
		const inst = join(TRACEFS, 'instances', `ringlab-dat-${process.pid}`);
		mkdirSync(inst);
		const raws: string[] = [];
		try {
			for (let i = 1; i <= 4; i++) {
				const b = Buffer.alloc(4 + 12);
				b.writeUInt32LE(i, 0);
				b.write(`ringlab ${i}   `, 4, 'latin1');
				writeFileSync(join(inst, 'trace_marker_raw'), b);
			}
			for (const cpu of readdirSync(join(inst, 'per_cpu')).sort()) {
				const raw = join(dir, `${cpu}.raw`);
				writeFileSync(raw, drainRaw(join(inst, 'per_cpu', cpu, 'trace_pipe_raw')));
				raws.push(raw);
			}
		} finally {
			rmdirSync(inst);
		}
		// Only the formats the file needs, copied from tracefs: a small file. (Read and written:
		// tracefs files say size 0, so copyFileSync would copy nothing.)
		const copy = (from: string, to: string) => writeFileSync(to, readFileSync(from));
		const td = join(dir, 'tracing');
		for (const ev of ['raw_data', 'print']) {
			mkdirSync(join(td, 'events/ftrace', ev), { recursive: true });
			copy(
				join(TRACEFS, 'events/ftrace', ev, 'format'),
				join(td, 'events/ftrace', ev, 'format')
			);
		}
		for (const h of ['header_page', 'header_event'])
			copy(join(TRACEFS, 'events', h), join(td, 'events', h));
		for (const f of ['printk_formats', 'saved_cmdlines', 'kallsyms'])
			writeFileSync(join(td, f), '');
		const head = join(dir, 'head.dat');
		const dat = join(dir, 'trace.dat');
		run('trace-cmd', ['restore', '-c', '-t', td, '-k', join(td, 'kallsyms'), '-o', head]);
		run('trace-cmd', ['restore', '-i', head, '-o', dat, ...raws]);
		const report = run('trace-cmd', ['report', dat])
			.split('\n')
			.map((l) => /\[(\d+)\]\s+(\d+)\.(\d{6}): raw_data:\s+(.*)$/.exec(l))
			.filter((m) => m !== null)
			.map((m) => `${Number(m[1])} ${m[2]}${m[3]} ${m[4]}`);
		const r = parseTraceDat(new Uint8Array(readFileSync(dat)));
		if (!r.ok)
			throw new Error(`${r.error.section}, byte ${r.error.offset}: ${r.error.message}`);
		const mine: [number, string][] = [];
		for (const b of r.file.buffers)
			for (const c of b.cpus)
				for (const s of c.capture.subbufs)
					for (const rec of s.records.filter((x) => x.kind === 'data')) {
						const p = s.bytes.subarray(
							16 + rec.dataOffset!,
							16 + rec.dataOffset! + rec.dataLength!
						);
						const e = decodeEvent(r.file.formats, r.file.byId, p);
						expect(e.event).toBe('ftrace:raw_data');
						mine.push([
							rec.ts,
							`${c.cpu} ${Math.floor((rec.ts + 500) / 1000)} ${e.text}`
						]);
					}
		mine.sort((a, b) => a[0] - b[0]);
		expect(report).toHaveLength(4);
		expect(mine.map((m) => m[1])).toEqual(report);
	});
});
