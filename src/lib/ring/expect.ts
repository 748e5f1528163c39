/**
 * `expect` of the scenario format: an object matched as a subset of a step's result. Nested objects
 * match recursively, arrays element by element (same length), and a number may be a comparison
 * ({"$gt": 0}, {"$gte": n}, {"$lt": n}, {"$lte": n}, {"$ne": v}).
 */
import { FormatError } from './errors';

export interface Mismatch {
	path: string;
	expected: unknown;
	actual: unknown;
}

const OPS: Record<string, (a: number, b: number) => boolean> = {
	$gt: (a, b) => a > b,
	$gte: (a, b) => a >= b,
	$lt: (a, b) => a < b,
	$lte: (a, b) => a <= b
};

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isComparison(v: Record<string, unknown>): boolean {
	const keys = Object.keys(v);
	return keys.length > 0 && keys.every((k) => k in OPS || k === '$ne');
}

/** The mismatches between `expected` and `actual` (empty when the expectation holds). */
export function matchExpect(expected: unknown, actual: unknown, path = 'expect'): Mismatch[] {
	if (isObject(expected) && isComparison(expected)) {
		for (const [k, v] of Object.entries(expected)) {
			if (k === '$ne') {
				if (JSON.stringify(actual) === JSON.stringify(v))
					return [{ path, expected, actual }];
			} else if (typeof actual !== 'number' || typeof v !== 'number' || !OPS[k]!(actual, v))
				return [{ path, expected, actual }];
		}
		return [];
	}
	if (isObject(expected)) {
		if (!isObject(actual)) return [{ path, expected, actual }];
		return Object.entries(expected).flatMap(([k, v]) =>
			matchExpect(v, actual[k], `${path}.${k}`)
		);
	}
	if (Array.isArray(expected)) {
		if (!Array.isArray(actual) || actual.length !== expected.length)
			return [{ path, expected, actual }];
		return expected.flatMap((v, i) => matchExpect(v, actual[i], `${path}[${i}]`));
	}
	return Object.is(expected, actual) || expected === actual ? [] : [{ path, expected, actual }];
}

/** Checks that an expectation's comparison objects are well formed; returns an error or null. */
export function checkExpectShape(expected: unknown, path: string): FormatError | null {
	if (isObject(expected)) {
		const keys = Object.keys(expected);
		const dollar = keys.filter((k) => k.startsWith('$'));
		if (dollar.length) {
			if (dollar.length !== keys.length)
				return new FormatError(path, 'do not mix comparisons with fields');
			for (const k of keys) {
				if (!Object.hasOwn(OPS, k) && k !== '$ne')
					return new FormatError(
						`${path}.${k}`,
						'unknown comparison (use $gt, $gte, $lt, $lte, $ne)'
					);
				if (k !== '$ne' && typeof expected[k] !== 'number')
					return new FormatError(`${path}.${k}`, 'must be a number');
			}
			return null;
		}
		for (const k of keys) {
			const e = checkExpectShape(expected[k], `${path}.${k}`);
			if (e) return e;
		}
	}
	if (Array.isArray(expected)) {
		for (let i = 0; i < expected.length; i++) {
			const e = checkExpectShape(expected[i], `${path}[${i}]`);
			if (e) return e;
		}
	}
	return null;
}
