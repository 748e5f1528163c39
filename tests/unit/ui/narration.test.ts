// The narration says what the engine did (issue 14 items 9 and 10): a writer that ends inside
// another writer's reservation has not made its event readable, whatever the nesting; and pages
// are named as the drawing names them (IDs once mapped).
import { describe, expect, it } from 'vitest';
import { describeCpu, type Step } from '../../../src/lib/ring';
import { parseScenario } from '../../../src/lib/session';
import { Timeline } from '../../../src/lib/session/timeline';
import { entryCpu, narration } from '../../../src/lib/ui/narration';
import { onScreenNames } from '../../../src/lib/ui/on-screen-names';

/** Runs `steps` on one CPU; returns the timeline (every atomic step its own entry). */
function run(steps: Step[]): Timeline {
	return Timeline.fromScenario(parseScenario({ ringlab: 1, config: { cpus: 1 }, steps }));
}

/** The narration of the last atomic step of each context, by name. */
function endings(tl: Timeline): Map<string, string> {
	const out = new Map<string, string>();
	for (let i = 0; i < tl.length; i++) {
		const e = tl.entry(i)!;
		const last = e.records.at(-1);
		if (last && /ring_buffer_unlock_commit/.test(last.kernel)) out.set(last.ctx, narration(e));
	}
	return out;
}

const write = (as: string, ctx: 'task' | 'irq' | 'nmi', size = 16): Step => ({
	op: 'spawn',
	as,
	cpu: 0,
	ctx,
	do: { op: 'write', cpu: 0, size }
});
const step = (ctx: string, n: number): Step => ({ op: 'step', ctx, n });
/** Steps up to and including the reservation ([C] local_add_return in __rb_reserve_next). */
const RESERVED = 6;
const END = 60;

const READABLE = /committed \(commit at byte \d+ of page \d+\): readers can take the event/;
const PENDING = /not readable yet: a writer it interrupted is still in flight/;

describe('a writer’s last step says whether its event is readable, from the engine’s state', () => {
	it('alone: committed and readable', () => {
		const tl = run([write('t', 'task'), step('t', END)]);
		expect(endings(tl).get('t')).toMatch(READABLE);
	});

	it('an IRQ that ends inside a task’s reservation: pending until the task ends', () => {
		const tl = run([
			{ op: 'write', cpu: 0, size: 16 },
			write('t', 'task', 104),
			step('t', RESERVED),
			write('i', 'irq'),
			step('i', END),
			step('t', END)
		]);
		const e = endings(tl);
		expect(e.get('i')).toMatch(PENDING);
		expect(e.get('i')).not.toMatch(/readers can take/);
		expect(e.get('t')).toMatch(READABLE);
		// and the engine agrees: after the IRQ ended, commit had not passed its event
		const at = [...Array(tl.length).keys()].find((k) =>
			/ring_buffer_unlock_commit/.test(tl.entry(k)!.records.at(-1)?.kernel ?? '')
		)!;
		tl.seek(at + 1);
		const cpu = describeCpu(tl.sim.ring, 0);
		expect(cpu.pages[cpu.commit]!.commit).toBe(20);
	});

	it('an NMI inside an IRQ inside a task: both inner ones pending, the task publishes all', () => {
		const tl = run([
			write('t', 'task'),
			step('t', RESERVED),
			write('i', 'irq'),
			step('i', RESERVED),
			write('n', 'nmi'),
			step('n', END),
			step('i', END),
			step('t', END)
		]);
		const e = endings(tl);
		expect(e.get('n')).toMatch(PENDING);
		expect(e.get('i')).toMatch(PENDING);
		expect(e.get('t')).toMatch(READABLE);
	});

	it('an IRQ before the task’s committing++ is outermost; after it, nested and pending', () => {
		// step 1 is the recursion check: the task has not started its commit (rb_start_commit)
		const early = run([write('t', 'task'), step('t', 1), write('i', 'irq'), step('i', END)]);
		expect(endings(early).get('i')).toMatch(READABLE);
		// step 2 is committing++: from then on an interrupting writer cannot move the commit
		const late = run([write('t', 'task'), step('t', 2), write('i', 'irq'), step('i', END)]);
		expect(endings(late).get('i')).toMatch(PENDING);
	});
});

describe('names on screen', () => {
	it('writes “page N” as the sub-buffer ID the mapped drawing shows', () => {
		const tl = run([
			{ op: 'map', cpu: 0, as: 'm' },
			{ op: 'write', cpu: 0, size: 16, repeat: 3 },
			{ op: 'consume', cpu: 0, count: 1 }
		]);
		tl.seek(tl.length);
		const cpu = describeCpu(tl.sim.ring, 0);
		const swap = tl.entry(tl.length - 1)!.marks.find((m) => m.kind === 'reader-swap')!;
		expect(swap.text).toMatch(/page \d+/);
		const named = onScreenNames(swap.text, cpu);
		expect(named).not.toMatch(/\bpage \d+/);
		const ids = [...named.matchAll(/sub-buffer ID (\d+)/g)].map((m) => Number(m[1]));
		expect(ids.length).toBe(2);
		for (const id of ids) expect(cpu.pages.some((p) => p.id === id)).toBe(true);
	});

	it('leaves page numbers before the buffer is mapped', () => {
		const tl = run([{ op: 'write', cpu: 0, size: 16, repeat: 3 }]);
		tl.seek(tl.length);
		expect(onScreenNames('page 1', describeCpu(tl.sim.ring, 0))).toBe('page 1');
	});

	it('finds the CPU of a stepped context, and of a plain operation', () => {
		const tl = run([write('t', 'task'), step('t', 2)]);
		expect(entryCpu(tl.entry(tl.length - 1)!, (c) => (c === 't' ? 0 : undefined))).toBe(0);
		expect(entryCpu(run([{ op: 'write', cpu: 0, size: 8 }]).entry(0)!, () => undefined)).toBe(
			0
		);
	});
});
