// The timeline: seeking anywhere gives the state first reached there (byte for byte), applying
// after a seek back drops the future, (config, actions) replays identically, marks are exactly the
// changes the state shows (checked through describeRing, not the probe), and a broken invariant
// freezes the timeline with an explanation.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseScenario } from '../../../src/lib/session';
import { Timeline } from '../../../src/lib/session/timeline';
import { randomStep } from '../ring/random-steps';

const bytes = (tl: Timeline) => new Uint8Array(tl.sim.ring.buf.slice(0));
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;
const scenarios = join(__dirname, '../../../scenarios');

const config = fc.record({
	kernel: fc.constantFrom('6.10' as const, '6.12' as const),
	cpus: fc.integer({ min: 1, max: 2 }),
	subbufsPerCpu: fc.integer({ min: 2, max: 4 }),
	overwrite: fc.boolean(),
	snapshot: fc.boolean()
});

const history = config.chain((c) =>
	fc.record({
		c: fc.constant(c),
		steps: fc.array(randomStep(c.cpus), { minLength: 1, maxLength: 50 }),
		seeks: fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
		every: fc.integer({ min: 1, max: 40 })
	})
);

describe('Timeline', () => {
	test('rebase() makes the current state position 0, and seeking stays there', () => {
		const tl = new Timeline({ subbufsPerCpu: 4 });
		tl.apply({ op: 'write', cpu: 0, size: 16, repeat: 5 });
		tl.apply({ op: 'consume', cpu: 0, count: 2 });
		// what writer threads would do: change the state outside any recorded action
		tl.sim.apply({ op: 'write', cpu: 0, size: 8, repeat: 3 });
		const now = bytes(tl);
		tl.rebase();
		expect([tl.position, tl.length]).toEqual([0, 0]);
		tl.apply({ op: 'write', cpu: 0, size: 16 });
		expect(tl.seek(0).ok).toBe(true);
		expect(same(bytes(tl), now)).toBe(true);
		expect(tl.seek(2).ok).toBe(false);
	});

	test('seek(n) gives the state first reached at n, in any order', () => {
		fc.assert(
			fc.property(history, ({ c, steps, seeks, every }) => {
				const tl = new Timeline(c, { checkpointEvery: every });
				// the state at every position reached by apply (positions inside a step n are checked
				// against a timeline without checkpoints below)
				const seen: (Uint8Array | undefined)[] = [bytes(tl)];
				for (const s of steps) if (tl.apply(s).added) seen[tl.length] = bytes(tl);
				const fresh = new Timeline(c, { checkpointEvery: 1_000_000 });
				for (const a of tl.actions()) fresh.apply(a, { keepAll: true });
				for (const k of seeks) {
					const n = k % (tl.length + 1);
					expect(tl.seek(n).ok).toBe(true);
					expect(tl.position).toBe(n);
					if (seen[n]) expect(same(bytes(tl), seen[n])).toBe(true);
					// the same position reached by a timeline without checkpoints
					fresh.seek(n);
					expect(same(bytes(tl), bytes(fresh))).toBe(true);
					expect(tl.sim.contexts()).toEqual(fresh.sim.contexts());
				}
				tl.seek(tl.length);
				expect(same(bytes(tl), seen[tl.length]!)).toBe(true);
			}),
			{ numRuns: 60, endOnFailure: true }
		);
	}, 60_000);

	test('(config, actions) replays identically: same results, records and marks', () => {
		fc.assert(
			fc.property(history, ({ c, steps }) => {
				const a = new Timeline(c, { checkpointEvery: 5 });
				for (const s of steps) a.apply(s);
				const b = new Timeline(c);
				for (const s of a.actions()) b.apply(s, { keepAll: true });
				expect(b.length).toBe(a.length);
				for (let i = 0; i < a.length; i++) {
					expect(b.entry(i)!.result).toEqual(a.entry(i)!.result);
					expect(b.entry(i)!.records).toEqual(a.entry(i)!.records);
					expect(b.entry(i)!.marks).toEqual(a.entry(i)!.marks);
				}
				expect(same(bytes(a), bytes(b))).toBe(true);
			}),
			{ numRuns: 40, endOnFailure: true }
		);
	}, 60_000);

	test('applying after a seek back drops the future', () => {
		fc.assert(
			fc.property(history, fc.nat(), randomStep(1), ({ c, steps }, k, extra) => {
				const tl = new Timeline(c, { checkpointEvery: 3 });
				for (const s of steps) tl.apply(s);
				const at = k % (tl.length + 1);
				const kept = tl.actions().slice(0, at);
				tl.seek(at);
				const { added } = tl.apply(extra);
				expect(tl.length).toBe(at + added);
				expect(tl.position).toBe(tl.length);
				expect(tl.actions().slice(0, at)).toEqual(kept);
				const fresh = new Timeline(c);
				for (const s of tl.actions()) fresh.apply(s, { keepAll: true });
				expect(same(bytes(tl), bytes(fresh))).toBe(true);
			}),
			{ numRuns: 40, endOnFailure: true }
		);
	}, 60_000);

	test('marks are exactly the changes the described state shows', () => {
		const small = fc.record({
			c: config.map((c) => ({ ...c, subbufsPerCpu: 2 })),
			steps: fc.array(randomStep(2), { minLength: 20, maxLength: 80 })
		});
		fc.assert(
			fc.property(small, ({ c: c0, steps }) => {
				const c = { ...c0, cpus: 2 };
				const tl = new Timeline(c);
				for (const s of steps) {
					const before = tl.sim.state();
					const { added } = tl.apply(s);
					if (added !== 1) continue;
					const after = tl.sim.state();
					const kinds = new Set(tl.entry(tl.length - 1)!.marks.map((m) => m.kind));
					if (after.cpus.some((x, i) => x.nrPages !== before.cpus[i]!.nrPages)) continue;
					const lost = after.cpus.some((x, i) => {
						const b = before.cpus[i]!.counters;
						const a = x.counters;
						return (
							a.overrun > b.overrun ||
							a.dropped_events > b.dropped_events ||
							a.commit_overrun > b.commit_overrun
						);
					});
					const swapped = after.cpus.some((x, i) => x.reader !== before.cpus[i]!.reader);
					const crossed = after.cpus.some((x, i) => x.tail !== before.cpus[i]!.tail);
					const committed = after.cpus.some(
						(x, i) => x.commit !== before.cpus[i]!.commit
					);
					const result = tl.entry(tl.length - 1)!.result;
					// the live buffer after a snapshot swap is the other struct: only compare when not swapped
					if (!kinds.has('snapshot-swap')) {
						if (lost) expect(kinds.has('lost-events')).toBe(true);
						if (swapped) expect(kinds.has('reader-swap')).toBe(true);
						if (crossed) expect(kinds.has('page-cross')).toBe(true);
						if (committed) expect(kinds.has('commit-move')).toBe(true);
					}
					if (!lost && !kinds.has('snapshot-swap') && c.snapshot === false)
						expect(kinds.has('lost-events')).toBe(false);
					expect(kinds.has('warning')).toBe(result.warnings.length > 0);
				}
			}),
			{ numRuns: 60, endOnFailure: true }
		);
	}, 60_000);

	test('a step with n is n entries; refusals that change nothing are not recorded', () => {
		const tl = new Timeline({ subbufsPerCpu: 3 });
		tl.apply({
			op: 'spawn',
			as: 'w',
			cpu: 0,
			ctx: 'task',
			do: { op: 'write', cpu: 0, size: 8 }
		});
		expect(tl.length).toBe(1);
		const r = tl.apply({ op: 'step', ctx: 'w', n: 3 });
		expect(r.added).toBe(3);
		expect(tl.length).toBe(4);
		expect(tl.entry(1)!.action).toEqual({ op: 'step', ctx: 'w' });
		expect(tl.entry(1)!.records).toHaveLength(1);
		const refused = tl.apply({ op: 'step', ctx: 'nobody' });
		expect(refused.added).toBe(0);
		expect(refused.result.errno).toBe('EINVAL');
		expect(tl.length).toBe(4);
		const bad = tl.apply({ op: 'consume', cpu: 7 });
		expect(bad.added).toBe(0);
		// a step n that runs past the end stops at done
		const rest = tl.apply({ op: 'step', ctx: 'w', n: 1000 });
		expect(rest.result.done).toBe(true);
		expect(rest.added).toBe(rest.results.length);
		expect(tl.back()).toBe(true);
		expect(tl.position).toBe(tl.length - 1);
		expect(tl.forward()).toBe(true);
		expect(tl.forward()).toBe(false);
		const off = tl.seek(-1);
		expect(off.ok && off).toBe(false);
		expect(!off.ok && off.message).toMatch(/outside/);
		expect(tl.seek(tl.length + 1).ok).toBe(false);
	});

	test('nextMark and prevMark find the reader-page swap of reader-swap.json', () => {
		const sc = parseScenario(readFileSync(join(scenarios, 'reader-swap.json'), 'utf8'));
		const tl = Timeline.fromScenario(sc);
		expect(tl.stopped).toBeNull();
		const p = tl.nextMark(0, ['reader-swap']);
		expect(p).toBeGreaterThan(0);
		tl.seek(p - 1);
		const before = tl.sim.state().cpus[0]!.reader;
		tl.seek(p);
		expect(tl.sim.state().cpus[0]!.reader).not.toBe(before);
		expect(tl.prevMark(p + 1, ['reader-swap'])).toBe(p);
		expect(tl.prevMark(p, ['reader-swap'])).toBe(-1);
		expect(tl.nextMark(tl.length, ['reader-swap'])).toBe(-1);
	});

	test('the race of seed 001 freezes the timeline and explains the broken invariant', () => {
		const sc = parseScenario(readFileSync(join(scenarios, 'history/swap-race.json'), 'utf8'));
		const tl = Timeline.fromScenario(sc);
		expect(tl.stopped).toMatch(/commit-at-tail|committed/);
		const f = tl.frozen!;
		expect(f.at).toBe(tl.length);
		expect(f.violations.map((v) => v.invariant)).toContain('commit-at-tail');
		expect(f.explanation).toMatch(/never be committed/);
		const len = tl.length;
		const r = tl.apply({ op: 'write', cpu: 0, size: 8 });
		expect(r.added).toBe(0);
		expect(r.result.message).toMatch(/frozen/);
		expect(tl.length).toBe(len);
		expect(tl.nextMark(0, ['invariant'])).toBe(len);
		expect(tl.nextMark(0, ['warning'])).toBe(len);
		// stepping back lets the learner change the past
		expect(tl.back()).toBe(true);
		expect(tl.frozen).toBeNull();
		expect(tl.apply({ op: 'finish', ctx: 'swap' }).result.ok).toBe(false);
	});

	test('a reader swap stepped one step at a time is a reader swap, not a head push', () => {
		const read = (f: string) =>
			Timeline.fromScenario(parseScenario(readFileSync(join(scenarios, f), 'utf8')));
		const swap = read('lessons/1-reader-page-swap.json');
		const kinds = (tl: Timeline) =>
			[...Array(tl.length).keys()].flatMap((i) => tl.entry(i)!.marks.map((m) => m.kind));
		expect(kinds(swap)).toContain('reader-swap');
		expect(kinds(swap)).not.toContain('head-push');
		// the triple-nested push: each writer's flag change is a mark naming the links
		const push = read('lessons/4-head-push-triple-nest.json');
		const texts = [...Array(push.length).keys()].flatMap((i) =>
			push
				.entry(i)!
				.marks.filter((m) => m.kind === 'head-push')
				.map((m) => m.text)
		);
		// each names only the links that changed, once (not the whole set twice)
		expect(texts[0]).toMatch(/the link from page 3 to page 1: HEAD → UPDATE\.$/);
		expect(texts.some((t) => /2 links carry HEAD now/.test(t))).toBe(true);
		for (const t of texts) expect(t).not.toMatch(/\(was /);
	});
});
