// parseTraceDat (trace-cmd's data file): ringlab's own files read back byte for byte; the bundled
// file trace-cmd wrote from Linux 6.18 gives the events `trace-cmd report` printed for it; other
// versions, compression and damage are refused with the section and byte offset; fuzzed input
// (truncations, bit flips) never throws and never hangs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseScenario, runScenario, type DecodedRecord } from '../../../src/lib/ring';
import type { CapturedSubbuf } from '../../../src/lib/ring/capture';
import {
	decodeEvent,
	drainSubbufs,
	encodeTraceDat,
	parseTraceDat,
	simulationTraceDat,
	type TraceDat
} from '../../../src/lib/tracedat';

const fixtures = join(__dirname, '../../fixtures/tracedat');
const fixture = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));
const scenario = (path: string) =>
	runScenario(parseScenario(readFileSync(join(__dirname, '../../..', path), 'utf8')));

function ok(r: ReturnType<typeof parseTraceDat>): TraceDat {
	if (!r.ok) throw new Error(`${r.error.section} at ${r.error.offset}: ${r.error.message}`);
	return r.file;
}

/** Every data record of a file as `CPU TS EVENT TEXT`, CPU by CPU. */
function events(f: TraceDat): string[] {
	const out: string[] = [];
	for (const b of f.buffers)
		for (const c of b.cpus)
			for (const s of c.capture.subbufs)
				for (const r of s.records.filter((x: DecodedRecord) => x.kind === 'data')) {
					const p = payload(s, r);
					const e = decodeEvent(f.formats, f.byId, p);
					out.push(`${c.cpu} ${r.ts} ${e.event} ${e.text}`);
				}
	return out;
}
const payload = (s: CapturedSubbuf, r: DecodedRecord) =>
	s.bytes.subarray(16 + r.dataOffset!, 16 + r.dataOffset! + r.dataLength!);

describe('parseTraceDat', () => {
	test('parseTraceDat(encodeTraceDat(run)) has the defaults: version 7, no compression, clock local', () => {
		const f = ok(
			parseTraceDat(simulationTraceDat(scenario('tests/unit/tracedat/lost-counted.json').sim))
		);
		expect(f.version).toBe(7);
		expect(f.compression).toBe('none');
		expect(f.clock).toBe('local');
		expect(f.cpuCount).toBe(2);
		expect(f.writer).toBe('ringlab');
		expect(f.formats.map((x) => `${x.system}:${x.name}:${x.id}`)).toEqual([
			'ringlab:payload:0'
		]);
		expect(f.buffers.map((b) => [b.name, b.subbufSize, b.cpus.length])).toEqual([
			['', 4096, 2]
		]);
		expect(f.headerEvent).toContain('data max type_len  == 28');
	});

	test('the sub-buffers read back are the ones drained, byte for byte, missed count included', () => {
		for (const path of [
			'tests/unit/tracedat/lost-counted.json',
			'tests/kbuffer/scenarios/subbuf-8k.json'
		]) {
			const sim = scenario(path).sim;
			const cpus = Array.from({ length: sim.config.cpus }, (_, c) => drainSubbufs(sim, c));
			const size = cpus.find((p) => p.length)![0]!.length;
			const f = ok(parseTraceDat(encodeTraceDat({ subbufSize: size, cpus })));
			for (const [c, pages] of cpus.entries())
				expect(
					f.buffers[0]!.cpus[c]!.capture.subbufs.map((s) => Buffer.from(s.bytes))
				).toEqual(pages.map((p) => Buffer.from(p)));
		}
		const lost = ok(parseTraceDat(fixture('lost-counted.dat')));
		expect(lost.buffers[0]!.cpus[0]!.capture.subbufs[0]).toMatchObject({
			missedEvents: true,
			missedStored: true,
			missed: 4
		});
	});

	test('the bundled lost-counted.dat is what ringlab run --trace-dat writes today', () => {
		expect(
			Buffer.from(simulationTraceDat(scenario('tests/unit/tracedat/lost-counted.json').sim))
		).toEqual(Buffer.from(fixture('lost-counted.dat')));
	});

	test.each(['raw-data.dat', 'raw-data.v6.dat'])(
		'%s, written by trace-cmd from Linux 6.18, gives the events of its `trace-cmd report`',
		(name) => {
			const f = ok(parseTraceDat(fixture(name)));
			expect(f.version).toBe(name.includes('v6') ? 6 : 7);
			expect(f.formats.map((x) => `${x.system}:${x.name}`)).toEqual([
				'ftrace:raw_data',
				'ftrace:print'
			]);
			// `<...>-PID [CPU] SECONDS.USECS: raw_data: # ID BYTES`, sorted by time across CPUs
			const report = readFileSync(join(fixtures, 'raw-data.report.txt'), 'utf8')
				.split('\n')
				.map((l) => /\[(\d+)\]\s+(\d+)\.(\d{6}): raw_data:\s+(.*)$/.exec(l))
				.filter((m) => m !== null)
				.map((m) => `${Number(m[1])} ${m[2]}${m[3]} ftrace:raw_data ${m[4]}`);
			const mine = events(f)
				// trace-cmd rounds nanoseconds to the nearest microsecond
				.map((l) =>
					l.replace(
						/^(\d+) (\d+)/,
						(_, c: string, ts: string) =>
							`${c} ${Math.floor((Number(ts) + 500) / 1000)}`
					)
				)
				.sort((a, b) => Number(a.split(' ')[1]) - Number(b.split(' ')[1]));
			expect(report).toHaveLength(6);
			expect(mine).toEqual(report);
		}
	);

	test('refuses what it cannot read, naming the section and byte offset', () => {
		const good = fixture('lost-counted.dat');
		const cases: [Uint8Array, string, number, RegExp][] = [
			[
				fixture('raw-data.zstd.dat'),
				'compression header',
				18,
				/^compressed with zstd 1\.5\.\d+: ringlab reads uncompressed files only/
			],
			[new Uint8Array(0), 'initial format', 0, /not a trace.dat/],
			[Buffer.from('hello world, not a trace'), 'initial format', 0, /not a trace.dat/],
			[good.slice(0, 14), 'initial format', 14, /page size needs 4 bytes/],
			[
				Buffer.concat([good.slice(0, 10), Buffer.from('8\0'), good.slice(12)]),
				'initial format',
				10,
				/version "8"/
			],
			[
				Buffer.concat([good.slice(0, 18), Buffer.from('zstd\x001.5.4\0'), good.slice(24)]),
				'compression header',
				18,
				/compressed with zstd 1.5.4: ringlab reads uncompressed files only/
			],
			[
				good.slice(0, 8192),
				'buffer',
				8192 - 6797,
				/the buffer section needs \d+ bytes, the file has 6797 left/
			]
		];
		for (const [bytes, section, offset, message] of cases) {
			const r = parseTraceDat(bytes);
			expect(r.ok).toBe(false);
			if (r.ok) continue;
			expect([r.error.section, r.error.message]).toEqual([
				section,
				expect.stringMatching(message)
			]);
			expect(r.error.offset).toBe(offset);
		}
	});

	test('fuzzed files (truncations, bit flips) are refused cleanly or read, never throw', () => {
		const files = ['lost-counted.dat', 'raw-data.dat', 'raw-data.v6.dat'].map(fixture);
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: files.length - 1 }),
				fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })), { maxLength: 6 }),
				fc.option(fc.nat()),
				(which, flips, cut) => {
					const b = files[which]!.slice();
					for (const [at, bit] of flips) b[at % b.length]! ^= 1 << bit;
					const bytes = cut === null ? b : b.subarray(0, cut % (b.length + 1));
					const r = parseTraceDat(bytes);
					if (r.ok) events(r.file);
					else {
						expect(r.error.section).toMatch(/\S/);
						expect(r.error.offset).toBeGreaterThanOrEqual(0);
						expect(r.error.offset).toBeLessThanOrEqual(bytes.length);
					}
				}
			),
			{ numRuns: 400 }
		);
	});
});
