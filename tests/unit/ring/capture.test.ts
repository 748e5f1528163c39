// parseCapture (real trace_pipe_raw captures): the kernel's own captures (tests/kernel/captures,
// made with `ringlab kernel run --out`) parse with their sizes inferred; the engine's page reads
// round-trip; random or damaged bytes never throw and always name a sub-buffer and offset; the
// recorded kernel runs replay on the engine with no difference, with or without a kernel here.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	capturedPageState,
	capturedPayload,
	parseCapture,
	Simulation,
	SUBBUF_SIZES
} from '../../../src/lib/ring';
import { MAX_CAPTURE_BYTES } from '../../../src/lib/ring/capture';
import { compareWithEngine, formatDifference } from '../../../src/kernel/compare';
import type { KernelRecord } from '../../../src/kernel/runner';

const captures = join(__dirname, '../../kernel/captures');
const dirs = readdirSync(captures);

function drain(sim: Simulation, cpu: number): { raw: Uint8Array; events: unknown[] } {
	const pages: Buffer[] = [];
	const events: unknown[] = [];
	for (;;) {
		const r = sim.apply({ op: 'readPage', cpu });
		if (typeof r.page !== 'string') break;
		pages.push(Buffer.from(r.page, 'hex'));
		events.push(...(r.events as unknown[]));
	}
	return { raw: new Uint8Array(Buffer.concat(pages)), events };
}

describe('kernel captures', () => {
	test('every committed capture parses, sizes inferred', () => {
		let files = 0;
		for (const d of dirs)
			for (const f of readdirSync(join(captures, d)).filter((x) => x.endsWith('.raw'))) {
				files++;
				const r = parseCapture(new Uint8Array(readFileSync(join(captures, d, f))));
				if (!r.ok) throw new Error(`${d}/${f}: ${r.error.message}`);
				expect(r.capture.subbufSize, `${d}/${f}`).toBe(d === 'subbuf-8k' ? 8192 : 4096);
				expect(r.capture.inferred).toBe(true);
				// A read never hands out an empty sub-buffer; a mapped reader page may be empty.
				if (!f.endsWith('.mapped.raw'))
					for (const s of r.capture.subbufs) expect(s.entries).toBeGreaterThan(0);
			}
		expect(files).toBeGreaterThanOrEqual(4);
	});

	test('the overwrite capture shows the missed events, the time-extend one its extend', () => {
		const ow = parseCapture(
			new Uint8Array(readFileSync(join(captures, 'overwrite-loss/cpu0.raw')))
		);
		if (!ow.ok) throw new Error(ow.error.message);
		const first = ow.capture.subbufs[0]!;
		expect(first.missedEvents).toBe(true);
		expect(first.commitWord.startsWith('ffffffff')).toBe(true); // sign-extended, kernel.md §11
		expect(first.missed === null || first.missed > 0).toBe(true);
		const te = parseCapture(
			new Uint8Array(readFileSync(join(captures, 'time-extend/cpu0.raw')))
		);
		if (!te.ok) throw new Error(te.error.message);
		const ext = te.capture.subbufs[0]!.records.find((r) => r.kind === 'time_extend');
		expect(ext?.value).toBeGreaterThan(2 ** 27);
		// What the inspector shows: the header fields, and a payload (trace entry: type 19 = raw_data)
		const s0 = te.capture.subbufs[0]!;
		expect(capturedPageState(s0)).toMatchObject({ commit: s0.commit, entries: 4, id: null });
		const p = capturedPayload(
			s0,
			s0.records.find((r) => r.kind === 'data')!
		)!;
		expect(p[0]).toBe(19);
		expect(capturedPayload(s0, ext!)).toBeNull();
	});

	test('recorded kernel runs replay on the engine with no difference', () => {
		for (const d of dirs) {
			const f = join(captures, d, 'record.json');
			if (!existsSync(f)) continue;
			const rec = JSON.parse(readFileSync(f, 'utf8')) as KernelRecord;
			const diff = compareWithEngine(rec, rec.scenario.config);
			expect(diff.differences.map(formatDifference), d).toEqual([]);
		}
	});
});

describe('parseCapture', () => {
	test('malformed files: a clear problem with the sub-buffer and offset', () => {
		const sim = new Simulation({ subbufsPerCpu: 3 });
		sim.apply({ op: 'write', cpu: 0, size: 100, repeat: 60 });
		const { raw } = drain(sim, 0);
		const cases: [string, Uint8Array, RegExp, number][] = [
			['empty', new Uint8Array(0), /empty/, 0],
			[
				'truncated',
				raw.slice(0, raw.length - 100),
				/ends inside sub-buffer/,
				raw.length - 4096
			],
			['short', raw.slice(0, 100), /shorter than one sub-buffer|ends inside/, 0]
		];
		const past = raw.slice();
		new DataView(past.buffer).setUint32(4096 + 8, 5000, true);
		cases.push(['commit past the end', past, /past the end of the data area/, 4096 + 8]);
		const garbage = raw.slice();
		new DataView(garbage.buffer).setUint32(16 + 4, 0xfff1, true); // a large record's length word
		new DataView(garbage.buffer).setUint32(16, 0, true);
		cases.push(['garbage record', garbage, /length word|runs past commit/, 20]);
		for (const [name, bytes, re, offset] of cases) {
			const r = parseCapture(bytes, name === 'short' ? {} : { subbufSize: 4096 });
			expect(r.ok, name).toBe(false);
			if (r.ok) continue;
			expect(r.error.message, name).toMatch(re);
			expect(r.error.offset, name).toBe(offset);
		}
		expect(parseCapture(raw, { subbufSize: 1000 }).ok).toBe(false);
	});

	test('random bytes never throw and a problem is always inside the file', () => {
		fc.assert(
			fc.property(
				fc.uint8Array({ maxLength: 3 * 4096 + 17 }),
				fc.constantFrom(undefined, 4096, 8192),
				(bytes, size) => {
					const r = parseCapture(bytes, size ? { subbufSize: size } : {});
					if (r.ok)
						return r.capture.subbufs.length * r.capture.subbufSize === bytes.length;
					return (
						r.error.offset >= 0 &&
						r.error.offset <= bytes.length &&
						r.error.message.length > 0
					);
				}
			),
			{ numRuns: 200 }
		);
	});

	test("the engine's page reads round-trip, also with random bytes damaged", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 1 }),
				fc.boolean(),
				fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 40 }),
				fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
				(order, overwrite, sizes, damage) => {
					const sim = new Simulation({ subbufsPerCpu: 3, subbufOrder: order, overwrite });
					for (const size of sizes)
						sim.apply({ op: 'write', cpu: 0, size, deltaNs: size * 400_000 });
					const { raw, events } = drain(sim, 0);
					if (!raw.length) return true;
					const r = parseCapture(raw);
					if (!r.ok) return false;
					if (r.capture.subbufSize !== SUBBUF_SIZES[order]) return false;
					const got = r.capture.subbufs.flatMap((s) =>
						s.records
							.filter((x) => x.kind === 'data')
							.map((x) => ({
								ts: x.ts,
								payload: Buffer.from(
									s.bytes.subarray(
										16 + x.dataOffset!,
										16 + x.dataOffset! + x.dataLength!
									)
								).toString('hex'),
								lost: 0
							}))
					);
					expect(got).toEqual(events);
					const bad = raw.slice();
					for (const [at, v] of damage) bad[at % bad.length] = v;
					const b = parseCapture(bad);
					return b.ok || (b.error.offset >= 0 && b.error.offset < bad.length);
				}
			),
			{ numRuns: 60 }
		);
	});
});

describe('parseCapture on large files (issue #17, item 6)', () => {
	const one = readFileSync(join(captures, 'overwrite-loss', 'cpu0.raw'));

	test('it indexes sub-buffers and decodes one only when it is shown', () => {
		const file = new Uint8Array(one.length * 8);
		for (let i = 0; i < 8; i++) file.set(one, i * one.length);
		const r = parseCapture(file, { subbufSize: 4096 });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const sub = r.capture.subbufs[5]!;
		const entries = sub.entries;
		// Change a payload byte of sub-buffer 5 in the file after parsing: a parser that decoded
		// (and copied) every sub-buffer up front would not see it; an index reads it when shown.
		const first = r.capture.subbufs[0]!.records.find((x) => x.kind === 'data')!;
		const at = sub.fileOffset + 16 + first.dataOffset!;
		file[at] = file[at]! ^ 0xff;
		expect(sub.bytes[16 + first.dataOffset!]).toBe(
			file[sub.fileOffset + 16 + first.dataOffset!]
		);
		expect(sub.records.filter((x) => x.kind === 'data')).toHaveLength(entries);
	});

	test('a file over the bound is refused before anything is parsed', () => {
		const r = parseCapture(new Uint8Array(MAX_CAPTURE_BYTES + 4096));
		expect(r).toEqual({
			ok: false,
			error: {
				page: 0,
				offset: 0,
				message: `the file is ${MAX_CAPTURE_BYTES + 4096} bytes: a capture is at most ${MAX_CAPTURE_BYTES} bytes (512 MiB)`
			}
		});
	});
});
