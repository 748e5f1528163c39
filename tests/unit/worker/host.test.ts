// EngineHost (the Worker's side of the protocol): the shared transport hands out the
// SharedArrayBuffer once and again only after a re-layout; the copying transport sends the bytes
// with every reply; bad commands get an error reply, never an exception.
import { describe, expect, it, test } from 'vitest';
import { parseTraceDat } from '../../../src/lib/tracedat';
import { EngineHost } from '../../../src/lib/worker/host';
import { PROTOCOL_VERSION, type Reply, type TimelineCall } from '../../../src/lib/worker/protocol';

const init = (transport: 'shared' | 'copy') =>
	({
		type: 'init',
		id: 1,
		version: PROTOCOL_VERSION,
		config: { subbufsPerCpu: 4 },
		transport
	}) as const;

function result(r: Reply) {
	if (r.type !== 'result') throw new Error(`not a result: ${JSON.stringify(r)}`);
	return r;
}

describe('EngineHost.handle(command)', () => {
	test('shared: the SharedArrayBuffer is the state, sent again only after a re-layout', () => {
		const host = new EngineHost();
		const ready = host.handle(init('shared'));
		expect(ready.type).toBe('ready');
		const sab = (ready as { state: SharedArrayBuffer }).state;
		expect(sab).toBeInstanceOf(SharedArrayBuffer);
		expect(sab).toBe(host.simulation!.ring.buf);
		const w = result(
			host.handle({ type: 'apply', id: 2, step: { op: 'write', cpu: 0, size: 16 } })
		);
		expect(w.results[0]).toMatchObject({ ok: true, ts: 100 });
		expect(w.state).toBeUndefined();
		const r = result(
			host.handle({ type: 'apply', id: 3, step: { op: 'resize', cpu: 0, subbufs: 8 } })
		);
		expect(r.state).toBeInstanceOf(SharedArrayBuffer);
		expect(r.state).not.toBe(sab);
		expect(r.state).toBe(host.simulation!.ring.buf);
	});

	test('copy: every reply carries the bytes of the state', () => {
		const host = new EngineHost();
		const ready = host.handle(init('copy'));
		expect((ready as { state: ArrayBuffer }).state).toBeInstanceOf(ArrayBuffer);
		const r = result(
			host.handle({
				type: 'applyAll',
				id: 2,
				steps: [
					{ op: 'write', cpu: 0, size: 16, repeat: 5 },
					{ op: 'consume', cpu: 0, count: 2 }
				]
			})
		);
		expect(r.results.map((x) => x.ok)).toEqual([true, true]);
		expect(new Uint8Array(r.state!)).toEqual(new Uint8Array(host.simulation!.ring.buf));
		expect(r.state).not.toBe(host.simulation!.ring.buf);
	});

	test('refusals are results, bad commands are error replies', () => {
		const host = new EngineHost();
		expect(host.handle({ type: 'apply', id: 1, step: {} })).toMatchObject({
			type: 'error',
			message: /not initialised/
		});
		expect(host.handle({ ...init('copy'), version: 99 })).toMatchObject({ type: 'error' });
		host.handle(init('copy'));
		const r = result(host.handle({ type: 'apply', id: 2, step: { op: 'getReader', cpu: 0 } }));
		expect(r.results[0]).toMatchObject({ ok: false, errno: 'ENODEV' });
	});

	test('timeline: apply, back and seek inside the host keep the same SharedArrayBuffer', () => {
		const host = new EngineHost();
		const sab = (host.handle(init('shared')) as { state: SharedArrayBuffer }).state;
		const call = (c: TimelineCall) => {
			const r = host.handle({ type: 'timeline', id: 9, call: c });
			if (r.type !== 'timeline') throw new Error(JSON.stringify(r));
			return r;
		};
		host.handle({ type: 'apply', id: 2, step: { op: 'write', cpu: 0, size: 16 } });
		expect(call({ fn: 'info' }).view).toMatchObject({ position: 0, length: 0 });
		call({ fn: 'apply', step: { op: 'write', cpu: 0, size: 16 } });
		const start = new Uint8Array(sab.slice(0));
		call({
			fn: 'apply',
			step: {
				op: 'spawn',
				as: 'w',
				cpu: 0,
				ctx: 'task',
				do: { op: 'write', cpu: 0, size: 8 }
			}
		});
		const a = call({ fn: 'apply', step: { op: 'step', ctx: 'w', n: 4 } });
		expect(a.results).toHaveLength(4);
		expect(a.view).toMatchObject({ position: 6, length: 6 });
		expect(a.view.contexts.map((c) => c.name)).toEqual(['w']);
		const mid = new Uint8Array(sab.slice(0));
		expect(call({ fn: 'seek', to: 1 }).state).toBeUndefined();
		expect(new Uint8Array(sab.slice(0))).toEqual(start);
		expect(call({ fn: 'back' }).view.position).toBe(0);
		const f = call({ fn: 'seek', to: 6 });
		expect(f.view.contexts).toHaveLength(1);
		expect(new Uint8Array(sab.slice(0))).toEqual(mid);
		expect(call({ fn: 'seek', to: 7 }).error).toMatch(/outside the timeline \(0..6\)/);
		const e = call({ fn: 'entries', from: 2, to: 4 });
		expect(e.entries!.map((x) => x.action)).toEqual([
			{ op: 'step', ctx: 'w' },
			{ op: 'step', ctx: 'w' }
		]);
		// a resize re-lays the buffer out; seeking back across it hands the page the old size again
		call({ fn: 'apply', step: { op: 'finish', ctx: 'w' } });
		const r = call({ fn: 'apply', step: { op: 'resize', cpu: 0, subbufs: 8 } });
		expect(r.state).toBeInstanceOf(SharedArrayBuffer);
		const back = call({ fn: 'back' });
		expect(back.state).toBeInstanceOf(SharedArrayBuffer);
		expect((back.state as SharedArrayBuffer).byteLength).toBe(sab.byteLength);
	});

	test('timeline: load a scenario, or say where it is malformed', () => {
		const host = new EngineHost();
		host.handle(init('copy'));
		const bad = host.handle({
			type: 'timeline',
			id: 2,
			call: { fn: 'load', scenario: { ringlab: 1, steps: [{ op: 'write' }] } }
		});
		expect(bad).toMatchObject({ type: 'timeline', error: /\$\.steps\[0\]\.cpu/ });
		const ok = host.handle({
			type: 'timeline',
			id: 3,
			call: {
				fn: 'load',
				scenario: {
					ringlab: 1,
					config: { subbufsPerCpu: 2 },
					steps: [
						{ op: 'write', cpu: 0, size: 3000, repeat: 4 },
						{ op: 'consume', cpu: 0 }
					]
				},
				at: 1
			}
		});
		expect(ok).toMatchObject({ type: 'timeline', view: { position: 1, length: 2 } });
		const marks = host.handle({ type: 'timeline', id: 4, call: { fn: 'marks' } });
		if (marks.type !== 'timeline') throw new Error('not a timeline reply');
		expect(marks.marks!.find((m) => m.position === 1)?.kinds).toContain('lost-events');
		// share: the loaded steps, then what was done after them
		host.handle({ type: 'timeline', id: 5, call: { fn: 'seek', to: 2 } });
		host.handle({
			type: 'timeline',
			id: 6,
			call: { fn: 'apply', step: { op: 'write', cpu: 0, size: 8 } }
		});
		const share = host.handle({ type: 'timeline', id: 7, call: { fn: 'share' } });
		// a plain apply restarts the history from the state it leaves, which no link can replay
		host.handle({ type: 'apply', id: 8, step: { op: 'write', cpu: 0, size: 8 } });
		const after = host.handle({ type: 'timeline', id: 9, call: { fn: 'share' } });
		expect(after).toMatchObject({ view: { position: 0, length: 0 } });
		expect(after).not.toHaveProperty('scenario');
		expect((after as { error?: string }).error).toMatch(/cannot be replayed/);
		// a new load makes it shareable again
		host.handle({
			type: 'timeline',
			id: 10,
			call: { fn: 'load', scenario: { ringlab: 1, steps: [] } }
		});
		expect(host.handle({ type: 'timeline', id: 11, call: { fn: 'share' } })).toMatchObject({
			scenario: { steps: [] }
		});
		expect(share).toMatchObject({
			scenario: {
				ringlab: 1,
				config: { subbufsPerCpu: 2 },
				steps: [{ op: 'write', repeat: 4 }, { op: 'consume' }, { op: 'write', size: 8 }]
			}
		});
	});
});

describe('traceDat', () => {
	it('runs a scenario apart from the machine on screen and answers a trace.dat', () => {
		const host = new EngineHost();
		host.handle({
			type: 'init',
			id: 1,
			version: PROTOCOL_VERSION,
			config: {},
			transport: 'copy'
		});
		const before = host.handle({ type: 'timeline', id: 2, call: { fn: 'info' } });
		const r = host.handle({
			type: 'traceDat',
			id: 3,
			scenario: { ringlab: 1, steps: [{ op: 'write', cpu: 0, size: 16 }] }
		});
		expect(r.type).toBe('traceDat');
		if (r.type !== 'traceDat') return;
		expect(parseTraceDat(r.file).ok).toBe(true);
		const after = host.handle({ type: 'timeline', id: 4, call: { fn: 'info' } });
		expect(after).toEqual({ ...before, id: 4 });
	});

	it('refuses a malformed scenario with its path', () => {
		const r = new EngineHost().handle({ type: 'traceDat', id: 1, scenario: { ringlab: 2 } });
		expect(r.type).toBe('error');
		if (r.type === 'error') expect(r.message).toMatch(/\$/);
	});
});
