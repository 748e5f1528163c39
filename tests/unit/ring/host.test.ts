// EngineHost (the Worker's side of the protocol): the shared transport hands out the
// SharedArrayBuffer once and again only after a re-layout; the copying transport sends the bytes
// with every reply; bad commands get an error reply, never an exception.
import { describe, expect, test } from 'vitest';
import { EngineHost } from '../../../src/lib/ring/host';
import { PROTOCOL_VERSION, type Reply } from '../../../src/lib/ring/protocol';

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
});
