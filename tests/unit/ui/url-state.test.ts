// The URL codec (spec §4): base64url round-trips any text; a decoded URL restores the exact step
// of any history (the schedule included) and of a lesson with the learner's own steps after it;
// runs of single steps are merged so URLs stay short; every malformed URL gets a plain message
// and nothing throws.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { historyScenario, parseScenario, restoreShared, Timeline } from '../../../src/lib/session';
import {
	base64urlDecode,
	base64urlEncode,
	decodeShareQuery,
	encodeShareQuery
} from '../../../src/lib/ui/url-state';
import { randomStep } from '../ring/random-steps';

const bytes = (tl: Timeline) => Buffer.from(tl.sim.ring.buf.slice(0));
const empty = (config: unknown = {}) => parseScenario({ ringlab: 1, config, steps: [] });

function roundTrip(query: string) {
	const d = decodeShareQuery(query);
	if (!d || !d.ok) throw new Error(`decode failed: ${d && !d.ok ? d.message : 'null'}`);
	const r = restoreShared(d);
	if (!r.ok) throw new Error(r.message);
	return { d, tl: r.timeline };
}

describe('base64url', () => {
	test('round-trips any text and agrees with Node', () => {
		fc.assert(
			fc.property(fc.string({ unit: 'binary' }), (s) => {
				const code = base64urlEncode(s);
				expect(code).toBe(Buffer.from(s, 'utf8').toString('base64url'));
				expect(base64urlDecode(code)).toBe(s);
			}),
			{ numRuns: 300 }
		);
	});

	test('rejects what is not base64url or not UTF-8', () => {
		expect(base64urlDecode('a')).toBeNull();
		expect(base64urlDecode('ab!c')).toBeNull();
		expect(base64urlDecode('_w')).toBeNull(); // 0xff is not UTF-8
	});
});

describe('share URLs', () => {
	test('any history restores to the same state at every position', () => {
		fc.assert(
			fc.property(
				fc.record({
					cpus: fc.integer({ min: 1, max: 2 }),
					kernel: fc.constantFrom('6.10' as const, '6.12' as const)
				}),
				fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
				(c, ats) => {
					const steps = fc.sample(fc.array(randomStep(c.cpus), { maxLength: 40 }), 1)[0]!;
					const base = empty(c);
					const tl = new Timeline(base.config);
					for (const s of steps) tl.apply(s);
					const doc = historyScenario(base, [0], tl);
					for (const k of ats) {
						const at = k % (tl.length + 1);
						const { tl: back, d } = roundTrip(encodeShareQuery({ scenario: doc, at }));
						expect(d.at).toBe(at);
						expect(back.length).toBe(tl.length);
						expect(back.position).toBe(at);
						tl.seek(at);
						expect(bytes(back).equals(bytes(tl))).toBe(true);
						expect(back.sim.contexts()).toEqual(tl.sim.contexts());
					}
				}
			),
			{ numRuns: 40, endOnFailure: true }
		);
	}, 60_000);

	test('a lesson plus the learner’s own steps keeps the lesson; diverging from it drops it', () => {
		const file = join(__dirname, '../../../scenarios/lessons/3-nested-writers-commit.json');
		const lesson = parseScenario(readFileSync(file, 'utf8'));
		const tl = Timeline.fromScenario(lesson);
		tl.apply({
			op: 'spawn',
			as: 'w',
			cpu: 0,
			ctx: 'task',
			do: { op: 'write', cpu: 0, size: 8 }
		});
		for (let i = 0; i < 5; i++) tl.apply({ op: 'step', ctx: 'w' });
		const doc = historyScenario(lesson, tl.starts, tl);
		expect(doc.lesson).toEqual(lesson.lesson);
		expect((doc.steps as unknown[]).slice(0, lesson.steps.length)).toEqual(lesson.steps);
		expect((doc.steps as unknown[]).slice(lesson.steps.length)).toEqual([
			{ op: 'spawn', as: 'w', cpu: 0, ctx: 'task', do: { op: 'write', cpu: 0, size: 8 } },
			{ op: 'step', ctx: 'w', n: 5 }
		]);
		const { tl: back } = roundTrip(encodeShareQuery({ scenario: doc, at: tl.length - 2 }));
		tl.seek(tl.length - 2);
		expect(bytes(back).equals(bytes(tl))).toBe(true);
		// seek into the middle of the lesson's step n=6 and do something else
		tl.seek(tl.starts[2]! + 3);
		tl.apply({ op: 'write', cpu: 0, size: 8, ctx: 'irq' });
		const diverged = historyScenario(lesson, tl.starts, tl);
		expect(diverged.lesson).toBeUndefined();
		const { tl: again } = roundTrip(encodeShareQuery({ scenario: diverged }));
		expect(again.length).toBe(tl.length);
		expect(bytes(again).equals(bytes(tl))).toBe(true);
	});

	test('runs of single steps are merged: 2000 atomic steps stay a short URL', () => {
		const tl = new Timeline({ subbufsPerCpu: 8 });
		let k = 0;
		while (tl.length < 2000) {
			const name = `w${k++}`;
			tl.apply({
				op: 'spawn',
				as: name,
				cpu: 0,
				ctx: 'task',
				do: { op: 'write', cpu: 0, size: 40 }
			});
			while (!tl.apply({ op: 'step', ctx: name }).result.done);
		}
		const q = encodeShareQuery({ scenario: historyScenario(empty(), [0], tl), at: 1234 });
		expect(q.length).toBeLessThan(tl.length * 25);
		const { tl: back } = roundTrip(q);
		expect(back.length).toBe(tl.length);
		tl.seek(1234);
		expect(bytes(back).equals(bytes(tl))).toBe(true);
	});

	test('flags, and a query without a scenario', () => {
		const doc = { ringlab: 1, steps: [{ op: 'write', cpu: 0, size: 8 }] };
		const d = decodeShareQuery(encodeShareQuery({ scenario: doc, embed: true, present: true }));
		expect(d).toMatchObject({ ok: true, at: null, embed: true, present: true });
		expect(decodeShareQuery('')).toBeNull();
		expect(decodeShareQuery('?embed=1')).toBeNull();
		expect(
			decodeShareQuery('embed=0&scenario=' + base64urlEncode(JSON.stringify(doc)))
		).toMatchObject({
			ok: true,
			embed: false
		});
	});

	test('every malformed URL gets a plain message', () => {
		const enc = (x: unknown) => base64urlEncode(typeof x === 'string' ? x : JSON.stringify(x));
		const msg = (q: string) => {
			const d = decodeShareQuery(q);
			return d && !d.ok ? d.message : 'accepted';
		};
		expect(msg('?scenario=a!b')).toMatch(/not valid base64url/);
		expect(msg(`?scenario=${enc('{"ringlab":')}`)).toMatch(/not valid JSON/);
		expect(msg(`?scenario=${enc({ ringlab: 1, steps: [{ op: 'write', cpu: 9 }] })}`)).toMatch(
			/malformed at \$\.steps\[0\]\.cpu/
		);
		expect(msg(`?scenario=${enc({ ringlab: 2, steps: [] })}`)).toMatch(/\$\.ringlab/);
		const ok = enc({ ringlab: 1, steps: [{ op: 'write', cpu: 0, size: 8 }] });
		expect(msg(`?scenario=${ok}&at=-1`)).toMatch(/"at" must be a step number/);
		expect(msg(`?scenario=${ok}&at=1.5`)).toMatch(/"at" must be a step number/);
		expect(msg('?at=3')).toMatch(/without a scenario/);
		const d = decodeShareQuery(`?scenario=${ok}&at=5`);
		expect(d && d.ok).toBe(true);
		const r = restoreShared(d as Extract<typeof d, { ok: true }>);
		expect(r).toEqual({
			ok: false,
			message: '"at" is 5 but the scenario has only 1 steps (0..1)'
		});
	});

	test('nothing throws, whatever the query', () => {
		fc.assert(
			fc.property(fc.string(), fc.string({ unit: 'binary' }), (q, s) => {
				decodeShareQuery(q);
				decodeShareQuery(`?scenario=${q}`);
				decodeShareQuery(`?scenario=${base64urlEncode(s)}&at=${q}`);
			}),
			{ numRuns: 300 }
		);
	});
});
