import { describe, expect, it } from 'vitest';
import { embedError, readEmbedMessage } from '../../../src/lib/ui/embed-protocol';

describe('readEmbedMessage(data)', () => {
	it('reads the calls of the API with their arguments', () => {
		expect(readEmbedMessage({ ringlab: 1, id: 1, call: 'step' })).toEqual({
			kind: 'call',
			id: 1,
			call: 'step',
			args: []
		});
		expect(readEmbedMessage({ ringlab: 1, id: 'a', call: 'step', args: ['task1'] })).toEqual({
			kind: 'call',
			id: 'a',
			call: 'step',
			args: ['task1']
		});
		expect(readEmbedMessage({ ringlab: 1, id: 2, call: 'seek', args: [4] })).toMatchObject({
			kind: 'call',
			args: [4]
		});
		expect(readEmbedMessage({ ringlab: 1, id: 3, call: 'load', args: ['{}'] })).toMatchObject({
			kind: 'call',
			call: 'load'
		});
	});

	it('ignores what is not for the lab or cannot be answered', () => {
		for (const data of [
			null,
			'step',
			[1],
			{ call: 'step', id: 1 },
			{ ringlab: 2, call: 'step', id: 1 },
			{ ringlab: 1, call: 'step' },
			{ ringlab: 1, call: 'step', id: {} },
			{ ringlab: 1, event: 'ready', version: 1 },
			{ ringlab: 1, id: 1, ok: true, result: null }
		])
			expect(readEmbedMessage(data)).toEqual({ kind: 'ignore' });
	});

	it('calls a message with an id but a wrong call or wrong arguments malformed', () => {
		for (const data of [
			{ ringlab: 1, id: 9, call: 'explode' },
			{ ringlab: 1, id: 9 },
			{ ringlab: 1, id: 9, call: 'seek' },
			{ ringlab: 1, id: 9, call: 'seek', args: ['3'] },
			{ ringlab: 1, id: 9, call: 'seek', args: [1.5] },
			{ ringlab: 1, id: 9, call: 'step', args: [3] },
			{ ringlab: 1, id: 9, call: 'state', args: [1] },
			{ ringlab: 1, id: 9, call: 'load' },
			{ ringlab: 1, id: 9, call: 'run', args: 'now' }
		]) {
			const read = readEmbedMessage(data);
			expect(read.kind, JSON.stringify(data)).toBe('malformed');
			expect(read).toMatchObject({ id: 9 });
		}
	});
});

describe('embedError(e)', () => {
	it('keeps the message and an errno when there is one', () => {
		expect(embedError(new Error('no'))).toEqual({ message: 'no' });
		expect(embedError(Object.assign(new Error('busy'), { errno: 'EBUSY' }))).toEqual({
			message: 'busy',
			errno: 'EBUSY'
		});
		expect(embedError('plain')).toEqual({ message: 'plain' });
	});
});
