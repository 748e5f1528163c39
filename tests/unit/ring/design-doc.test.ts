// The 15 scenarios of the kernel's Documentation/trace/ring-buffer-design.rst (kernel.md §8), each
// driven step by step, asserting pointers and link flags after the steps that matter.
import { describe, expect, test } from 'vitest';
import { checkInvariants } from '../../../src/lib/ring';
import { Driver } from './helpers';

const BIG = 1000; // a 1008-byte record: four fill a 4080-byte data area, the fifth crosses

describe('ring-buffer-design.rst scenarios', () => {
	test("1. basic reader swap: the reader page takes the head page's place in the ring", () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		for (let i = 0; i < 5; i++) d.write(BIG);
		d.expectPointers({ head: 1, tail: 2, commit: 2, reader: 0 });
		expect(d.ring()).toEqual([1, 2, 3]);
		expect(d.cpu.pages[0]).toMatchObject({ next: 0, prev: 0 }); // reader page points to itself
		d.spawnReader('r', 1);
		d.stepThrough('r', 'find the head page');
		expect(d.cpu.pages[0]).toMatchObject({ next: 2, prev: 3, link: 'NORMAL' });
		d.step('r'); // reader page next -> HEAD
		expect(d.link(0)).toBe('HEAD');
		expect(d.link(3)).toBe('HEAD'); // the ring still leads to page 1
		d.step('r'); // cmpxchg
		expect(d.cpu.pages[3]).toMatchObject({ next: 0, link: 'NORMAL' });
		d.step('r'); // fix prev, reader = old head
		expect(d.cpu.pages[2]!.prev).toBe(0);
		d.finish('r');
		d.expectPointers({ head: 2, reader: 1 });
		expect(d.ring()).toEqual([2, 3, 0]);
		expect(d.link(0)).toBe('HEAD');
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('2. the swapped page is also commit and tail: the writer keeps writing on the reader page', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		d.write(16);
		expect(d.sim.apply({ op: 'consume', cpu: 0 }).events).toHaveLength(1);
		d.expectPointers({ reader: 1, tail: 1, commit: 1, head: 2 });
		d.write(16);
		expect(d.cpu.pages[1]!.commit).toBe(40); // readers see commit grow on their own page
		for (let i = 0; i < 5; i++) d.write(BIG); // the tail leaves the reader page ...
		d.expectPointers({ reader: 1, tail: 2, commit: 2, head: 2 }); // ... into the ring at the head
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('3. reserve then commit inside one page: the commit catches up with the tail', () => {
		const d = new Driver();
		d.write(16);
		d.spawnWriter('w', 'task', 16);
		d.stepThrough('w', '[C]');
		expect(d.cpu.pages[1]).toMatchObject({ write: 40, commit: 20 });
		d.finish('w');
		expect(d.cpu.pages[1]).toMatchObject({ write: 40, commit: 40 });
	});

	test('4. nested reserve: the inner commit is pending until the outer writer commits', () => {
		const d = new Driver();
		d.spawnWriter('w1', 'task', 16);
		d.stepThrough('w1', '[C]');
		d.spawnWriter('w2', 'irq', 16);
		d.finish('w2');
		// w2 saw before_stamp != write_stamp (w1 is between [B] and [D]): it carries an absolute
		// time stamp (8 more bytes), and w1 has not yet counted its event on the page.
		expect(d.cpu.pages[1]).toMatchObject({ write: 48, commit: 0, entries: 1 });
		d.finish('w1');
		expect(d.cpu.pages[1]).toMatchObject({ write: 48, commit: 48, entries: 2 });
		const ev = d.sim.apply({ op: 'consume', cpu: 0 }).events as { ts: number }[];
		expect(ev.map((e) => e.ts)).toEqual([100, 200]);
	});

	test('5. head -> commit -> tail: an interrupted writer holds the commit while the tail runs ahead', () => {
		const d = new Driver({ subbufsPerCpu: 4 });
		d.spawnWriter('w1', 'task', 16);
		d.stepThrough('w1', '[C]');
		for (let i = 0; i < 9; i++) {
			d.spawnWriter(`i${i}`, 'irq', BIG);
			d.finish(`i${i}`);
		}
		d.expectPointers({ head: 1, commit: 1, tail: 3 });
		d.finish('w1');
		d.expectPointers({ head: 1, commit: 3, tail: 3 });
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('6. commit and tail on the reader page: the head is "after" them and does not move', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		d.write(16);
		d.sim.apply({ op: 'consume', cpu: 0 });
		d.expectPointers({ reader: 1, commit: 1, tail: 1, head: 2 });
		// nothing more committed: reading up to the last commit means empty, and no swap happens
		expect(d.sim.apply({ op: 'consume', cpu: 0 }).events).toEqual([]);
		d.expectPointers({ reader: 1, head: 2 });
		expect(d.cpu.counters.pages_read).toBe(1);
		for (let i = 0; i < 5; i++) d.write(BIG);
		d.expectPointers({ head: 2, tail: 2 }); // tail re-entered the ring at the head; head unmoved
	});

	test('7. overwrite: the tail meets the head, which is pushed one page forward', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		for (let i = 0; i < 12; i++) d.write(BIG); // pages 1, 2, 3 hold four events each
		d.expectPointers({ head: 1, tail: 3 });
		d.write(BIG); // crossing from 3 to 1 pushes the head to 2
		d.expectPointers({ head: 2, tail: 1 });
		expect(d.cpu.counters).toMatchObject({ overrun: 4, pages_lost: 1 });
		expect(d.link(1)).toBe('HEAD');
		expect(d.ring()).toEqual([2, 3, 1]);
	});

	test('8. flags in pointers: HEAD marks the link into the head; a writer turns it into UPDATE', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		expect(d.flags()).toEqual(['NORMAL', 'NORMAL', 'NORMAL', 'HEAD']);
		for (let i = 0; i < 12; i++) d.write(BIG);
		d.spawnWriter('w', 'task', BIG);
		d.stepThrough('w', 'cmpxchg link HEAD -> UPDATE');
		expect(d.link(3)).toBe('UPDATE');
	});

	test('9. lockless reader swap: the cmpxchg fails while a writer holds UPDATE, then retries', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		for (let i = 0; i < 12; i++) d.write(BIG);
		d.spawnWriter('w', 'task', BIG);
		d.stepThrough('w', 'cmpxchg link HEAD -> UPDATE');
		d.spawnReader('r', 1);
		d.stepThrough('r', 'find the head page');
		d.step('r'); // reader page next -> HEAD
		expect(d.step('r')).toMatch(/^cmpxchg link into head/);
		expect(d.step('r')).toMatch(/^find the head/); // the cmpxchg failed: find the head again
		d.finish('w'); // the writer completes the push: the head is page 2 now
		d.finish('r');
		d.expectPointers({ reader: 2 });
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('10. the reader page is the one no ring page points back to', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		for (let i = 0; i < 5; i++) d.write(BIG);
		d.sim.apply({ op: 'consume', cpu: 0, count: 1 });
		const c = d.cpu;
		const reader = c.pages[c.reader]!;
		expect(c.pages[reader.prev]!.next).not.toBe(c.reader);
		for (const p of c.ring) expect(c.pages[c.pages[p]!.prev]!.next).toBe(p);
	});

	test('11. single writer pushes the head: UPDATE, next HEAD, UPDATE cleared, tail moves', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		for (let i = 0; i < 12; i++) d.write(BIG);
		d.spawnWriter('w', 'task', BIG);
		const oldHead = d.cpu.head;
		const newHead = d.cpu.pages[oldHead]!.next;
		expect(d.cpu.pages[oldHead]!.prev).toBe(3);
		d.stepThrough('w', 'cmpxchg link HEAD -> UPDATE');
		expect([d.link(3), d.link(1)]).toEqual(['UPDATE', 'NORMAL']);
		// rb_is_head_page counts UPDATE: a reader now still finds the old head (and its swap fails)
		expect(d.cpu.head).toBe(oldHead);
		d.stepThrough('w', 'cmpxchg next link NORMAL -> HEAD');
		expect([d.link(3), d.link(1)]).toEqual(['UPDATE', 'HEAD']);
		expect(d.cpu.head).toBe(oldHead); // rb_set_head_page walks from the cached head
		d.stepThrough('w', 'cmpxchg link UPDATE -> NORMAL');
		expect([d.link(3), d.link(1)]).toEqual(['NORMAL', 'HEAD']);
		expect(d.cpu.head).toBe(newHead);
		expect(d.cpu.tail).toBe(3);
		d.stepThrough('w', 'cmpxchg tail_page');
		expect(d.cpu.tail).toBe(1);
		d.finish('w');
	});

	test('12. the tail wraps to the head while the commit is on the reader page: writes are dropped', () => {
		const d = new Driver({ subbufsPerCpu: 3 });
		d.write(16);
		d.sim.apply({ op: 'consume', cpu: 0 });
		d.spawnWriter('w', 'task', 16);
		d.stepThrough('w', '[C]'); // reserved on the reader page, committing
		d.expectPointers({ reader: 1, commit: 1, tail: 1 });
		let dropped = 0;
		for (let i = 0; i < 20; i++) {
			d.spawnWriter(`i${i}`, 'irq', BIG);
			if (d.sim.apply({ op: 'finish', ctx: `i${i}` }).ok === false) dropped++;
		}
		expect(dropped).toBeGreaterThan(0);
		expect(d.cpu.counters.commit_overrun).toBe(dropped);
		expect(d.cpu.counters.overrun).toBe(0); // the head was never pushed
		d.finish('w');
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('13. nested tail move: the outer cmpxchg of the tail fails and the writer retries', () => {
		const d = new Driver({ subbufsPerCpu: 4 });
		for (let i = 0; i < 4; i++) d.write(BIG);
		d.spawnWriter('w1', 'task', BIG);
		d.stepThrough('w1', 'zero next page'); // about to cmpxchg tail 1 -> 2
		d.spawnWriter('w2', 'irq', BIG);
		d.finish('w2'); // moves the tail itself and writes on page 2
		expect(d.cpu.tail).toBe(2);
		expect(d.step('w1')).toMatch(/^cmpxchg tail_page/);
		expect(d.cpu.tail).toBe(2);
		d.finish('w1');
		expect(d.cpu.pages[2]!.entries).toBe(2); // both events on page 2, w2's first
		expect(d.cpu.counters.pages_touched).toBe(1);
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('14. nested head push: the inner writer sets the next HEAD, only the outer clears UPDATE', () => {
		const d = new Driver({ subbufsPerCpu: 4 });
		for (let i = 0; i < 16; i++) d.write(BIG); // tail on 4, the head (1) next
		d.spawnWriter('w1', 'task', BIG);
		d.stepThrough('w1', 'cmpxchg link HEAD -> UPDATE');
		expect(d.link(4)).toBe('UPDATE');
		d.spawnWriter('w2', 'irq', BIG);
		d.finish('w2');
		expect([d.link(4), d.link(1)]).toEqual(['UPDATE', 'HEAD']); // w2 left UPDATE alone
		expect(d.cpu.tail).toBe(1);
		d.finish('w1');
		expect([d.link(4), d.link(1)]).toEqual(['NORMAL', 'HEAD']);
		expect(d.cpu.pages[1]!.entries).toBe(2);
		expect(d.cpu.counters.overrun).toBe(4);
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});

	test('15. triple-nested head push: the outer writer clears a second HEAD flag', () => {
		const d = new Driver({ subbufsPerCpu: 4 });
		for (let i = 0; i < 16; i++) d.write(BIG); // A = 4 (tail), B = 1 (head), C = 2, D = 3
		d.spawnWriter('w1', 'task', BIG);
		d.stepThrough('w1', 'cmpxchg link HEAD -> UPDATE'); // A -U-> B
		d.spawnWriter('w2', 'irq', BIG);
		d.stepThrough('w2', 'cmpxchg tail_page'); // B -H-> C, tail = B
		expect([d.link(4), d.link(1), d.cpu.tail]).toEqual(['UPDATE', 'HEAD', 1]);
		for (let i = 0; i < 5; i++) {
			d.spawnWriter(`n${i}`, 'nmi', BIG); // fill B and cross into C: push B -H-> C on to C -H-> D
			d.finish(`n${i}`);
		}
		expect([d.link(4), d.link(1), d.link(2), d.cpu.tail]).toEqual([
			'UPDATE',
			'NORMAL',
			'HEAD',
			2
		]);
		d.finish('w2');
		d.stepThrough('w1', 'cmpxchg next link NORMAL -> HEAD');
		expect([d.link(1), d.link(2)]).toEqual(['HEAD', 'HEAD']); // two HEAD flags, for a moment
		d.stepThrough('w1', 'did nested writers move the tail');
		expect([d.link(1), d.link(2)]).toEqual(['NORMAL', 'HEAD']);
		d.stepThrough('w1', 'cmpxchg link UPDATE -> NORMAL');
		d.finish('w1');
		expect(d.flags().filter((f) => f === 'HEAD')).toHaveLength(1);
		expect(d.cpu.tail).toBe(2); // two pages past A
		expect(checkInvariants(d.sim.ring)).toEqual([]);
	});
});
