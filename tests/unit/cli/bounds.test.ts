// Bounded inputs (issue #17, items 1, 3, 4, 5): legal-looking but huge or deep input is refused with
// a plain reason (a FormatError with its JSON path, exit 2, or a refusal with its errno) before
// anything large is allocated or walked recursively; the CLI never throws.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main } from '../../../src/cli/main';
import { decodeUtf8, firstInvalidUtf8, readBounded } from '../../../src/cli/input';
import { checkInvariants, FormatError, runScenario, Simulation } from '../../../src/lib/ring';
import { parseScenario } from '../../../src/lib/session';
import { cpusTouched, REFUSAL_CHECK_MAX_BYTES } from '../../../src/lib/ring/scenario';
import { MAX_DEPTH } from '../../../src/lib/ring/input-bounds';
import { MAX_STATE_BYTES, S_NR_PAGES } from '../../../src/lib/ring/layout';
import { structI, structOf } from '../../../src/lib/ring/ring';
import { base64urlEncode, decodeShareQuery } from '../../../src/lib/ui/url-state';

function run(args: string[]) {
	const out: string[] = [];
	let err = '';
	vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
		err += String(s);
		return true;
	});
	const code = main(args, (s) => out.push(s));
	vi.restoreAllMocks();
	return { code, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'ringlab-bounds-'));
function file(content: string | Uint8Array): string {
	const p = join(tmp(), 's.json');
	writeFileSync(p, content);
	return p;
}
const nested = (key: string, depth: number, leaf: string) =>
	`{"${key}":`.repeat(depth) + leaf + '}'.repeat(depth);

afterEach(() => vi.restoreAllMocks());

describe('the state bound', () => {
	test('a config whose state passes the bound is malformed, naming the size and the bound', () => {
		for (const config of [
			{ cpus: 1, subbufsPerCpu: 4096, subbufOrder: 8 },
			{ cpus: 8, subbufsPerCpu: 4096, subbufOrder: 8 },
			{ cpus: 8, subbufsPerCpu: 256, subbufOrder: 8 }
		]) {
			const r = run(['run', file(JSON.stringify({ ringlab: 1, config, steps: [] }))]);
			expect(r.code).toBe(2);
			expect(r.err).toMatch(
				/malformed scenario at \$\.config: the state would take \d+ MiB .*more than ringlab's bound of 256 MiB/
			);
		}
	});
	test('a resize past the bound is refused with ENOMEM and changes nothing', () => {
		const sim = new Simulation({ cpus: 1, subbufOrder: 8 });
		sim.apply({ op: 'write', cpu: 0, size: 100 });
		const before = new Uint8Array(sim.ring.buf.slice(0));
		const r = sim.apply({ op: 'resize', cpu: 0, subbufs: 4096 });
		expect(r).toMatchObject({ ok: false, errno: 'ENOMEM' });
		expect(r.message).toMatch(/4097 MiB .*256 MiB/);
		expect(Buffer.from(sim.ring.buf).equals(before)).toBe(true);
		// All CPUs at once: the bound is on the whole state.
		const eight = new Simulation({ cpus: 8, subbufsPerCpu: 64, subbufOrder: 1 });
		const all = eight.apply({ op: 'resize', cpu: 'all', subbufs: 4096 });
		expect(all).toMatchObject({ ok: false, errno: 'ENOMEM' });
		expect(eight.ring.L.nrPages[0]).toBe(64);
	});
	test('the largest configs inside the bound still build', () => {
		const sim = new Simulation({ cpus: 8, subbufsPerCpu: 4096 });
		expect(sim.ring.buf.byteLength).toBeLessThanOrEqual(MAX_STATE_BYTES);
	});
});

describe('depth and length bounds in the parser', () => {
	test('expect, spawn.do and lesson predicates nested past the bound are FormatErrors at their path', () => {
		const deepExpect = `{"ringlab":1,"steps":[{"op":"write","cpu":0,"size":4,"expect":${nested('a', 6000, '1')}}]}`;
		expect(() => parseScenario(deepExpect)).toThrow(FormatError);
		try {
			parseScenario(deepExpect);
		} catch (e) {
			expect((e as FormatError).path).toMatch(/^\$\.steps\[0\]\.expect(\.a)+$/);
			expect((e as FormatError).reason).toBe(`nested more than ${MAX_DEPTH} levels deep`);
		}
		const deepDo = `{"ringlab":1,"steps":[{"op":"spawn","as":"t","cpu":0,"ctx":"task","do":${nested('do', 5000, '{}')}}]}`;
		expect(() => parseScenario(deepDo)).toThrow(/nested more than/);
		const deepLesson = `{"ringlab":1,"steps":[],"lesson":{"question":{"predicate":${nested('x', 100_000, '1')}}}}`;
		expect(() => parseScenario(deepLesson)).toThrow(
			/^\$\.lesson\.question\.predicate(\.x)+: nested/
		);
	});
	test('a payload longer than the bound is refused by its length, before any pattern', () => {
		const doc = {
			ringlab: 1,
			steps: [{ op: 'write', cpu: 0, payload: 'ab'.repeat(4_194_304) }]
		};
		expect(() => parseScenario(doc)).toThrow(
			/\$\.steps\[0\]\.payload: is 4194304 bytes; a payload holds at most 1048576 bytes/
		);
		expect(() =>
			parseScenario({ ringlab: 1, steps: [{ op: 'write', cpu: 0, payload: 'zz' }] })
		).toThrow(/hex string of whole bytes/);
	});
	test('an expect key with a colon is reported at its own path', () => {
		const r = run([
			'run',
			file(
				'{"ringlab":1,"steps":[{"op":"write","cpu":0,"size":4,"expect":{"a:b":{"$foo":1}}}]}'
			)
		]);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(/at \$\.steps\[0\]\.expect\.a:b\.\$foo: unknown comparison/);
	});
	test('hostile documents: every case a FormatError with a path, within the bounds', () => {
		const hostile = fc.oneof(
			fc.integer({ min: 65, max: 3000 }).map((d) => nested('k', d, '0')),
			fc.integer({ min: 65, max: 3000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
			fc
				.double()
				.map((n) => `{"ringlab":1,"config":{"cpus":${JSON.stringify(n)}},"steps":[]}`),
			fc
				.tuple(
					fc.integer({ min: 2, max: 4096 }),
					fc.integer({ min: 0, max: 8 }),
					fc.integer({ min: 1, max: 8 })
				)
				.map(
					([n, o, c]) =>
						`{"ringlab":1,"config":{"cpus":${c},"subbufsPerCpu":${n},"subbufOrder":${o}},"steps":[]}`
				),
			fc
				.string({ maxLength: 3000 })
				.map(
					(s) =>
						`{"ringlab":1,"title":${JSON.stringify(s)},"steps":[{"op":${JSON.stringify(s)}}]}`
				)
		);
		fc.assert(
			fc.property(hostile, (text) => {
				let ok = true;
				try {
					const s = parseScenario(text);
					// accepted: then its state fits the bound (nothing huge was let through)
					ok = new Simulation(s.config).ring.buf.byteLength <= MAX_STATE_BYTES;
				} catch (e) {
					ok = e instanceof FormatError && /^\$/.test(e.path);
				}
				const url = decodeShareQuery(`?scenario=${base64urlEncode(text)}`);
				return (
					ok &&
					url !== null &&
					(url.ok || /malformed at \$|not valid JSON/.test(url.message))
				);
			}),
			{ numRuns: 150, seed: 17 }
		);
	});
});

describe('reading a scenario file', () => {
	test('/dev/zero is refused at the size bound, not read to the end', () => {
		const r = run(['run', '/dev/zero']);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(/cannot read \/dev\/zero: more than 16 MiB/);
		expect(() => readBounded('/dev/zero', 1000)).toThrow(/at most 1000 bytes/);
	});
	test('a UTF-8 byte order mark is accepted; invalid UTF-8 is refused with its byte offset', () => {
		const bom = run(['run', file(Buffer.from('\ufeff{"ringlab":1,"steps":[]}', 'utf8'))]);
		expect(bom.code).toBe(0);
		const bad = Buffer.from('{"ringlab":1,"title":"a\xff","steps":[]}', 'latin1');
		const r = run(['run', file(bad)]);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(/not UTF-8 text: invalid byte 0xff at byte offset 23/);
		expect(firstInvalidUtf8(Buffer.from('héllo ✓ 𝄞', 'utf8'))).toBe(-1);
		expect(firstInvalidUtf8(Uint8Array.of(0x41, 0xc0, 0x80))).toBe(1); // overlong
		expect(firstInvalidUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBe(1); // surrogate
		expect(firstInvalidUtf8(Uint8Array.of(0xe2, 0x82))).toBe(0); // cut short
		expect(decodeUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x7b, 0x7d))).toBe('{}');
	});
	test('--raw-dir naming a file, or where nothing can be made, is a clear error (exit 2)', () => {
		const example = join(__dirname, '../../../scenarios/nested-irq.json');
		const f = file('x');
		const r1 = run(['run', example, '--raw-dir', f]);
		expect(r1.code).toBe(2);
		expect(r1.err).toMatch(/--raw-dir: .* exists and is not a directory/);
		const r2 = run(['run', example, '--raw-dir', '/proc/nope/x']);
		expect(r2.code).toBe(2);
		expect(r2.err).toMatch(/--raw-dir: cannot create \/proc\/nope: ENOENT/);
		const d = join(tmp(), 'a', 'b');
		expect(run(['run', example, '--raw-dir', d]).code).toBe(0);
	});
});

describe('a step costs what it touches (issue #17, item 2)', () => {
	test('above the refusal-check bound, runScenario copies no state per step', () => {
		const s = parseScenario({
			ringlab: 1,
			config: { cpus: 8, subbufsPerCpu: 1024 },
			steps: Array.from({ length: 50 }, (_, i) =>
				i % 2 ? { op: 'clock', advanceNs: 1 } : { op: 'write', cpu: 3, size: 64 }
			)
		});
		const copies: number[] = [];
		const slice = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'slice')!.value as (
			this: ArrayBuffer,
			begin?: number,
			end?: number
		) => ArrayBuffer;
		vi.spyOn(ArrayBuffer.prototype, 'slice').mockImplementation(function (
			this: ArrayBuffer,
			...args: [number?, number?]
		) {
			if (this.byteLength > REFUSAL_CHECK_MAX_BYTES) copies.push(this.byteLength);
			return slice.apply(this, args);
		});
		const run = runScenario(s);
		expect(run.ok).toBe(true);
		expect(run.sim.ring.buf.byteLength).toBeGreaterThan(REFUSAL_CHECK_MAX_BYTES);
		expect(copies).toEqual([]);
	});
	test('invariants after a step are checked on the CPUs it touched', () => {
		expect(cpusTouched({ op: 'write', cpu: 3, size: 4 })).toEqual([3]);
		expect(cpusTouched({ op: 'clock', advanceNs: 1 })).toEqual([]);
		expect(cpusTouched({ op: 'resize', cpu: 'all', subbufs: 4 })).toBeNull();
		// A CPU whose ring is broken is reported when its CPU is checked, and only then.
		const sim = new Simulation({ cpus: 2 });
		sim.apply({ op: 'write', cpu: 1, size: 4 });
		const SI = structI(sim.ring, structOf(sim.ring, 0, 1));
		sim.ring.i32[SI + S_NR_PAGES]! += 1; // the ring no longer closes after nr_pages pages
		expect(checkInvariants(sim.ring, [0])).toEqual([]);
		expect(checkInvariants(sim.ring, [1])).toEqual([
			expect.objectContaining({ cpu: 1, invariant: 'ring' })
		]);
		expect(checkInvariants(sim.ring).map((v) => v.cpu)).toContain(1);
	});
});
