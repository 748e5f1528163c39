import { describe, expect, it } from 'vitest';
import { count } from '../../../src/lib/text/plural';

describe('count', () => {
	it('count(n, noun) adds an "s" to the noun by default, except for 1', () => {
		expect(count(0, 'sub-buffer')).toBe('0 sub-buffers');
		expect(count(1, 'sub-buffer')).toBe('1 sub-buffer');
		expect(count(2, 'sub-buffer')).toBe('2 sub-buffers');
	});

	it('count(n, singular, plural) uses the plural given', () => {
		expect(count(1, 'entry', 'entries')).toBe('1 entry');
		expect(count(19, 'entry', 'entries')).toBe('19 entries');
	});
});
