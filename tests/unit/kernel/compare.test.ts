// The comparison of `ringlab kernel diff`, without a kernel: a record saved on the live kernel
// (tests/kernel/captures) replays with no difference, and a record changed in one place gives a
// first difference that names that place, with both values and the kernel function mirrored.
// The CLI's exit codes that need no kernel: 2 malformed, 3 no kernel, 4 not replayable.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { parseScenario } from '../../../src/lib/ring';
import { notReproduced } from '../../../src/kernel/record';
import { join } from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import {
	compareWithEngine,
	formatDifference,
	pageField,
	timeWrites
} from '../../../src/kernel/compare';
import type { KernelRecord } from '../../../src/kernel/runner';
import { kernelMain } from '../../../src/cli/kernel';

const captures = join(__dirname, '../../kernel/captures');
const load = (name: string) =>
	JSON.parse(readFileSync(join(captures, name, 'record.json'), 'utf8')) as KernelRecord;

function setHexByte(hex: string, byte: number, value: number): string {
	return hex.slice(0, 2 * byte) + value.toString(16).padStart(2, '0') + hex.slice(2 * byte + 2);
}

describe('compareWithEngine on recorded kernel runs', () => {
	test('every write of the map run got the kernel time of its event', () => {
		const rec = load('map-get-reader');
		const { timed, estimated } = timeWrites(rec);
		const writes = rec.steps.flatMap((s) => s.writes ?? []);
		expect(timed).toHaveLength(writes.length);
		expect(estimated).toBeLessThan(writes.length / 2);
		for (let i = 1; i < timed.length; i++)
			expect(timed[i]!.ts!).toBeGreaterThanOrEqual(timed[i - 1]!.ts!);
	});

	test('a changed byte after the commit of a read page is reported, with the mirrored function', () => {
		// (Record headers cannot be changed this way: the engine takes its times from them.)
		const rec = load('time-extend');
		const st = rec.steps.find((s) => s.pages?.length)!;
		const page = st.pages![st.pages!.length - 1]!;
		const commit = Buffer.from(page.hex, 'hex').readUInt32LE(8);
		page.hex = setHexByte(page.hex, 16 + commit + 8, 0x5a);
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences).toHaveLength(1);
		const first = d.differences[0]!;
		expect(first).toMatchObject({ step: st.index, offset: 16 + commit + 8 });
		expect(first.field).toBe(`data[${commit + 8}] after commit (${commit})`);
		expect(first.mirrors).toMatch(/ring_buffer_read_page/);
		expect([first.kernel, first.engine]).toEqual(['5a000000', '00000000']);
	});

	test('a changed meta page field and a changed counter are named', () => {
		const rec = load('map-get-reader');
		const st = rec.steps.find((s) => s.op === 'getReader' && Object.keys(s.meta).length)!;
		st.meta[0] = setHexByte(st.meta[0]!, 56, 0x7f); // `read`
		let d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences[0]).toMatchObject({ step: st.index, field: 'read', offset: 56 });
		const rec2 = load('overwrite-loss');
		rec2.steps[0]!.stats[0]!.overrun += 1;
		d = compareWithEngine(rec2, rec2.scenario.config);
		expect(d.differences[0]).toMatchObject({
			step: 0,
			what: 'per_cpu/cpu0/stats',
			field: 'overrun'
		});
	});

	test('a changed errno is a difference', () => {
		const rec = load('map-get-reader');
		const st = rec.steps.find((s) => s.op === 'readMeta')!;
		st.ok = false;
		st.errno = 'EINVAL';
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences[0]).toMatchObject({
			step: st.index,
			field: 'errno',
			kernel: 'EINVAL',
			engine: 'ok'
		});
	});

	test('a kernel that refused a step the engine accepts: that difference, then stop (no throw)', () => {
		// Recorded on Linux 6.18.44, whose buffer_subbuf_size_kb refuses every write (EPERM): the
		// scenario's order change (step 1) is refused by the kernel and accepted by the engine, so
		// the two rings differ from there on (the engine's reader sub-buffer is past the kernel's
		// mapping: before the fix, readerSubbuf threw a Refusal out of compareWithEngine).
		const rec = JSON.parse(
			readFileSync(
				join(__dirname, '../../kernel/divergent/order-change-eperm/record.json'),
				'utf8'
			)
		) as KernelRecord;
		expect(rec.steps[1]).toMatchObject({ op: 'subbufOrder', ok: false, errno: 'EPERM' });
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences).toEqual([
			expect.objectContaining({
				step: 1,
				op: 'subbufOrder',
				field: 'errno',
				kernel: 'EPERM',
				engine: 'ok'
			})
		]);
		expect(formatDifference(d.differences[0]!)).toMatch(
			/^step 1 \(subbufOrder\): result, errno: kernel EPERM, engine ok/
		);
	});

	test('an engine that throws while replaying is a difference at that step, then stop', () => {
		// The same record with the refusal taken out: both sides accept the order change, but the
		// kernel's ring kept 4 KiB sub-buffers, so its 8 KiB observer mapping does not cover the
		// engine's reader sub-buffer at the GET_READER: the engine throws there.
		const rec = JSON.parse(
			readFileSync(
				join(__dirname, '../../kernel/divergent/order-change-eperm/record.json'),
				'utf8'
			)
		) as KernelRecord;
		rec.steps[1] = { ...rec.steps[1]!, ok: true, errno: undefined };
		const d = compareWithEngine(rec, rec.scenario.config);
		const last = d.differences[d.differences.length - 1]!;
		expect(last).toMatchObject({
			step: 3,
			op: 'getReader',
			what: 'replay',
			field: 'engine',
			kernel: 'ok'
		});
		expect(last.engine).toMatch(/^threw: mapping "__observer0" does not cover/);
	});

	test('a WARN the kernel gave (warn_count rose) and the engine did not is a difference', () => {
		const rec = load('mmap-check-order');
		const past = rec.steps.find(
			(s) => s.op === 'map' && s.errno === 'EINVAL' && s.index === 6
		)!;
		expect(past.warnings).toBe(0); // recorded on 6.18: no WARN for a mapping past the end
		expect(compareWithEngine(rec, rec.scenario.config).differences).toEqual([]);
		past.warnings = 1;
		const d = compareWithEngine(rec, rec.scenario.config);
		expect(d.differences[0]).toMatchObject({
			step: 6,
			what: 'warnings',
			kernel: 'warn_count rose by 1',
			engine: 'no warning'
		});
	});

	test('pageField names the header, records and the bytes after commit', () => {
		const rec = load('time-extend');
		const page = Buffer.from(rec.steps.find((s) => s.pages?.length)!.pages![0]!.hex, 'hex');
		expect(pageField(page, 3).field).toBe('time_stamp');
		expect(pageField(page, 9).field).toBe('commit');
		expect(pageField(page, 16).field).toMatch(/header word/);
		expect(pageField(page, 4095).field).toMatch(/after commit/);
	});
});

describe('ringlab kernel: exit codes that need no kernel', () => {
	afterEach(() => {
		vi.unstubAllEnvs();
		vi.restoreAllMocks();
	});
	const run = async (args: string[]) => {
		const out: string[] = [];
		const err: string[] = [];
		const code = await kernelMain(
			args,
			(s) => out.push(s),
			(s) => err.push(s)
		);
		return { code, out, err };
	};
	test('4 for a resize the kernel takes and the engine refuses (more than 4096 sub-buffers)', async () => {
		const f = join(mkdtempSync(join(tmpdir(), 'ringlab-k-')), 'big.json');
		writeFileSync(f, '{"ringlab":1,"steps":[{"op":"resize","cpu":0,"subbufs":5000}]}');
		const r = await run(['diff', f]);
		expect(r.code).toBe(4);
		expect(r.err.join('\n')).toMatch(
			/\$\.steps\[0\]\.subbufs: the kernel would take 5000 sub-buffers, ringlab simulates at most 4096/
		);
	});
	test('what a live run does not reproduce is said: at times and short gaps', () => {
		const s = parseScenario(
			readFileSync(join(__dirname, '../../../scenarios/kernel/map-name-twice.json'), 'utf8')
		);
		expect(notReproduced(s)).toEqual([
			"1 gaps of 100 ms or less are not slept (the kernel's own gaps, microseconds, are used)"
		]);
		const at = parseScenario({ ringlab: 1, steps: [{ op: 'write', cpu: 0, size: 8, at: 5 }] });
		expect(notReproduced(at)[0]).toMatch(/^1 write times given with "at" are not reproduced/);
	});
	test('2 for bad arguments or a malformed scenario', async () => {
		expect((await run(['frobnicate'])).code).toBe(2);
		expect((await run(['run'])).code).toBe(2);
		const r = await run(['diff', join(__dirname, 'nope.json')]);
		expect(r.code).toBe(2);
	});
	test('4 for a scenario a live kernel cannot replay, 3 with no kernel (one line)', async () => {
		const nested = join(__dirname, '../../../scenarios/nested-irq.json');
		const r = await run(['diff', nested]);
		expect(r.code).toBe(4);
		expect(r.err.join('\n')).toMatch(/cannot replay on a live kernel: \$\.steps\[\d+\]/);
		vi.stubEnv('RINGLAB_NO_KERNEL', '1');
		const k = await run([
			'diff',
			join(__dirname, '../../../scenarios/kernel/time-extend.json')
		]);
		expect(k.code).toBe(3);
		expect(k.err).toHaveLength(1);
	});
});
