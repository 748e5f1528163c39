// History switches, each found with the switch on and absent with it off. By a property test (no
// interleaving needed): pgoff-bound-wraps, the unsigned pgoff bound fixed in 6.13 (c58a812c8e49),
// and unchecked-meta-alloc, v16's page_to_virt of a failed meta-page allocation. By explore:
// flush-outside-reader-lock, v16's reader-page flush after dropping reader_lock. By a property test
// again: meta-without-reader-read, v2's meta page that let a new mapper re-read consumed events.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
	describeSchedule,
	explore,
	parseScenario,
	runScenario,
	Simulation,
	splitScenario,
	violationScenario
} from '../../../src/lib/ring';
import type { HistorySwitch } from '../../../src/lib/ring/config';
import { parseSubbuf, readerSubbuf } from '../../../src/lib/ring/user-space';

const mapRequest = fc.record({
	subbufsPerCpu: fc.integer({ min: 2, max: 6 }),
	subbufOrder: fc.integer({ min: 0, max: 2 }),
	pgoff: fc.integer({ min: 0, max: 64 }),
	pages: fc.integer({ min: 1, max: 64 })
});

/** "No mmap of per_cpu/cpu0/trace_pipe_raw warns", whatever its offset and length. */
function boundProperty(kernel: '6.10' | '6.12', history: HistorySwitch[]) {
	return fc.property(mapRequest, ({ subbufsPerCpu, subbufOrder, pgoff, pages }) => {
		const sim = new Simulation({ kernel, subbufsPerCpu, subbufOrder, history });
		const r = sim.apply({
			op: 'map',
			cpu: 0,
			as: 'm',
			offset: pgoff * 4096,
			length: pages * 4096
		});
		return r.warnings.length === 0;
	});
}

describe('pgoff-bound-wraps (the unsigned bound, fixed in 6.13 by c58a812c8e49)', () => {
	test('off, on the 6.12 setting (the bound as fixed): no map request warns', () => {
		fc.assert(boundProperty('6.12', []), { numRuns: 300 });
	});
	test('on: fast-check finds a pgoff past the end that wraps the bound and reaches the WARN', () => {
		const out = fc.check(boundProperty('6.12', ['pgoff-bound-wraps']), { numRuns: 300 });
		expect(out.failed).toBe(true);
		const [{ subbufsPerCpu, subbufOrder, pgoff }] = out.counterexample!;
		// the shrunk counter-example: a pgoff past the end of the mappable area
		expect(pgoff).toBeGreaterThan((subbufsPerCpu + 2) << subbufOrder);
		const sim = new Simulation({
			kernel: '6.12',
			subbufsPerCpu,
			subbufOrder,
			history: ['pgoff-bound-wraps']
		});
		const r = sim.apply({ op: 'map', cpu: 0, as: 'm', offset: pgoff * 4096, length: 4096 });
		expect(r).toMatchObject({ ok: false, errno: 'EINVAL' });
		expect(r.warnings).toEqual([
			{ message: '__rb_map_vma: sub-buffer ID past nr_subbufs (WARN_ON_ONCE)' }
		]);
	});
	test('the 6.10 setting is the kernel as merged: it has the wrap without the switch', () => {
		expect(fc.check(boundProperty('6.10', []), { numRuns: 300 }).failed).toBe(true);
	});
});

/** "A first mapping after injected allocation failures never warns". */
function allocProperty(history: HistorySwitch[]) {
	return fc.property(
		fc.integer({ min: 0, max: 3 }),
		fc.integer({ min: 0, max: 3 }),
		fc.constantFrom('6.10' as const, '6.12' as const),
		(alloc, after, kernel) => {
			const sim = new Simulation({ kernel, history });
			sim.apply({ op: 'write', cpu: 0, size: 40, repeat: 5 });
			sim.apply({ op: 'fault', alloc, after });
			return sim.apply({ op: 'map', cpu: 0, as: 'm' }).warnings.length === 0;
		}
	);
}

describe('unchecked-meta-alloc (v16: page_to_virt before the NULL test)', () => {
	test('off (the check as merged, v17 on): a failed allocation is ENOMEM, never a warning', () => {
		fc.assert(allocProperty([]));
	});
	test('on: fast-check finds the failed meta-page allocation that passes the NULL check', () => {
		const out = fc.check(allocProperty(['unchecked-meta-alloc']));
		expect(out.failed).toBe(true);
		const [alloc, after] = out.counterexample!;
		expect(alloc).toBeGreaterThanOrEqual(1);
		expect(after).toBe(0); // the meta page is the first allocation of a first mapping
	});
	test('on: the map goes on past the failure, with the warning, where the kernel as merged says ENOMEM', () => {
		const sim = new Simulation({ history: ['unchecked-meta-alloc'] });
		sim.apply({ op: 'fault', alloc: 1 });
		const r = sim.apply({ op: 'map', cpu: 0, as: 'm' });
		expect(r).toMatchObject({ ok: true, pgoffs: [0] });
		expect(r.warnings[0]!.message).toMatch(/page_to_virt\(NULL\) is not NULL/);
	});
});

describe('the examples of scenarios/history-switches', () => {
	const dir = join(__dirname, '../../../scenarios/history-switches');
	test.each(readdirSync(dir).filter((f) => f.endsWith('.json')))(
		'%s fails with its switch on and holds with it off (with a spawn: explored, no violation)',
		(f) => {
			const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
				config: object;
				steps: { op: string }[];
			};
			const on = runScenario(parseScenario(doc));
			expect(on.failure).toMatch(/warnings|expect/);
			const off = parseScenario({ ...doc, config: { ...doc.config, history: [] } });
			if (doc.steps.some((s) => s.op === 'spawn')) {
				const r = explore(off);
				expect(r.complete).toBe(true);
				expect(r.violations).toEqual([]);
			} else expect(runScenario(off).failure).toBeNull();
		}
	);
});

describe('flush-outside-reader-lock (v16: the reader page flushed after the unlock)', () => {
	const file = join(
		__dirname,
		'../../../scenarios/history-switches/flush-outside-reader-lock.json'
	);
	const doc = JSON.parse(readFileSync(file, 'utf8')) as { config: object };
	test('on: explore finds the reader swapping pages between the unlock and the flush', () => {
		const sc = parseScenario(doc);
		const r = explore(sc);
		expect(r.complete).toBe(true);
		expect(r.violations.map((v) => v.kind)).toEqual(['warning']);
		const v = r.violations[0]!;
		expect(v.message).toMatch(/reader_page changed between the unlock and its flush/);
		// the shortest schedule: the GET_READER up to its unlock, the reader's swap, then the flush
		expect(describeSchedule(v.schedule)).toMatch(/^user x\d+, reader x\d+, user$/);
		const replay = runScenario(violationScenario(sc, splitScenario(sc), v));
		expect(replay.ok).toBe(false);
	});
	test('off (the flush under reader_lock, v17 on): every schedule, no violation', () => {
		const r = explore(parseScenario({ ...doc, config: { ...doc.config, history: [] } }));
		expect(r.complete).toBe(true);
		expect(r.violations).toEqual([]);
		expect(r.schedules).toBeGreaterThan(1);
	});
});

/** Sequence number carried by a generated payload (little-endian u32 in its first bytes). */
const seqOf = (payload: string) => Buffer.from(payload.slice(0, 8), 'hex').readUInt32LE(0);

/**
 * One run of a mapping application that exits after reading (Rostedt's test of v2): map the whole
 * buffer, read what the meta page says is unread on the reader page, GET_READER, read the new
 * reader page if there is one, unmap. Returns the sequence numbers it saw.
 */
function mapperRun(sim: Simulation): number[] {
	const seen: number[] = [];
	expect(sim.apply({ op: 'map', cpu: 0, as: 'run', length: 6 * 4096 }).ok).toBe(true);
	const before = sim.apply({ op: 'readMapped', map: 'run' }) as unknown as {
		events: { payload: string }[];
		reader: { id: number };
	};
	seen.push(...before.events.map((e) => seqOf(e.payload)));
	expect(sim.apply({ op: 'getReader', cpu: 0 }).ok).toBe(true);
	const { meta, bytes } = readerSubbuf(sim.ring, sim.maps.get('run')!, [...sim.maps.values()]);
	if (meta.reader.id !== before.reader.id)
		seen.push(...parseSubbuf(bytes, 0).events.map((e) => seqOf(e.payload)));
	sim.apply({ op: 'unmap', map: 'run' });
	return seen;
}

/** "Mapping applications run one after another never see an event twice". */
function rereadProperty(history: HistorySwitch[]) {
	return fc.property(
		fc.constantFrom('6.10' as const, '6.12' as const),
		fc.array(fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }), {
			maxLength: 12
		}),
		(kernel, plan) => {
			const sim = new Simulation({ kernel, subbufsPerCpu: 4, history });
			const seen: number[] = [];
			for (const n of plan) {
				if (n === undefined) seen.push(...mapperRun(sim));
				else sim.apply({ op: 'write', cpu: 0, size: 16, repeat: n });
			}
			return new Set(seen).size === seen.length;
		}
	);
}

describe('meta-without-reader-read (v2: no reader_page->read on the meta page)', () => {
	test('off (reader.read on the meta page, v3 on): no event is read twice', () => {
		fc.assert(rereadProperty([]), { numRuns: 200 });
	});
	test("on: fast-check finds a second mapper that reads the first one's events again", () => {
		const out = fc.check(rereadProperty(['meta-without-reader-read']), { numRuns: 200 });
		expect(out.failed).toBe(true);
		const [, plan] = out.counterexample!;
		// shrunk: events, then two mappers (Rostedt's test without the second write: the second
		// mapper reads the same events again)
		expect(plan.map((n) => (n === undefined ? 'map' : 'write'))).toEqual([
			'write',
			'map',
			'map'
		]);
	});
});
