// ring_buffer_consume as trace_pipe calls it (issue #16 class 3): before each event trace_pipe asks
// ring_buffer_empty_cpu. 6.10's test looks at the pages (a reader page not read to its end is not
// empty, so the peek steps over the padding a dropped write left at its end); 6.13+ (the "6.12"
// setting, 6.18 on the live kernel) counts unread entries, so the padding stays and a later page
// read hands over the padding-only page. scenarios/kernel/consume-end-padding.json is the live
// kernel's answer for the second.
import { describe, expect, test } from 'vitest';
import { runScenario, type Scenario } from '../../../src/lib/ring';

function run(kernel: '6.10' | '6.12') {
	const s = {
		ringlab: 1,
		config: { kernel, subbufsPerCpu: 2, overwrite: false },
		steps: [
			{ op: 'write', cpu: 0, size: 1000, repeat: 14 },
			{ op: 'consume', cpu: 0 },
			{ op: 'readPage', cpu: 0 }
		]
	} as unknown as Scenario;
	const r = runScenario(s);
	expect(r.failure).toBeNull();
	const [, consume, page] = r.outcomes.map((o) => o.result);
	const c = r.sim.state().cpus[0]!.counters;
	return { consume, page, c };
}

describe('consume when only end-of-page padding is left', () => {
	test('6.12 setting: the 8 events are taken, the padding stays, a page read hands it over', () => {
		const { consume, page, c } = run('6.12');
		expect(consume!.events).toHaveLength(8);
		expect(typeof page!.page).toBe('string');
		expect(page!.events).toEqual([]);
		// The padding-only page: its commit covers just the 48 bytes of padding.
		expect(Buffer.from(page!.page as string, 'hex').readUInt32LE(8) & 0xfffff).toBe(48);
		expect(c.read_bytes).toBe(c.entries_bytes);
	});

	test('6.10 setting: the peek steps over the padding, nothing is left to read', () => {
		const { consume, page, c } = run('6.10');
		expect(consume!.events).toHaveLength(8);
		expect(page!.page).toBeNull();
		expect(c.read_bytes).toBe(c.entries_bytes);
	});
});
