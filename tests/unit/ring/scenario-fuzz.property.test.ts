// Bad input never crashes and never corrupts: every shipped scenario, with one value somewhere in
// it replaced by something wrong (a huge, negative, fractional or non-number value, a string, null,
// an empty array or object, a name every JS object inherits) or with a key removed, either is
// refused by the parser with a FormatError naming where, or runs to its end without throwing; a
// refused step leaves the state as it was, and no invariant breaks unless the scenario turns on a
// history switch.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FormatError, parseScenario, runScenario } from '../../../src/lib/ring';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function scenarioFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
		e.isDirectory()
			? scenarioFiles(join(dir, e.name))
			: e.name.endsWith('.json')
				? [join(dir, e.name)]
				: []
	);
}

const corpus = scenarioFiles('scenarios').map((f) => ({
	file: f,
	json: JSON.parse(readFileSync(f, 'utf8')) as Json
}));

/** Every path to a value inside `v` (the root excluded). */
function paths(v: Json, at: (string | number)[] = []): (string | number)[][] {
	if (v === null || typeof v !== 'object') return [];
	const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
	return keys.flatMap((k) => {
		const p = [...at, k];
		return [p, ...paths((v as Record<string | number, Json>)[k]!, p)];
	});
}

const REMOVE = Symbol('remove');
/** Names every object inherits: a lookup by a name from the file must not find them. */
const INHERITED = ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'];

/** A copy of `v` with the value at `path` replaced by `value` (or removed). */
function mutate(v: Json, path: (string | number)[], value: Json | typeof REMOVE): Json {
	const copy = structuredClone(v);
	let node = copy as Record<string | number, Json>;
	for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
	const last = path[path.length - 1]!;
	if (value !== REMOVE) node[last] = value;
	else if (Array.isArray(node)) node.splice(last as number, 1);
	else delete node[last];
	return copy;
}

const wrongValue: fc.Arbitrary<Json | typeof REMOVE> = fc.oneof(
	fc.constantFrom<Json | typeof REMOVE>(
		REMOVE,
		-1,
		0,
		0.5,
		2 ** 31,
		2 ** 32 + 1,
		2 ** 53 + 2,
		1e308,
		-1e308,
		'',
		'x',
		...INHERITED,
		null,
		true,
		[],
		{}
	),
	fc.integer({ min: -5, max: 70 }),
	fc.string({ maxLength: 8 })
);

/** Parses and runs `input`; throws when anything but a FormatError escapes or a run corrupts. */
function check(file: string, input: Json, path: (string | number)[]): 'parsed' | 'refused' {
	let sc;
	try {
		sc = parseScenario(JSON.stringify(input));
	} catch (e) {
		if (!(e instanceof FormatError))
			throw new Error(`${file} at ${path.join('.')}: ${String(e)}`);
		expect(e.message).toMatch(/^\$/); // says where, as a JSON path
		return 'refused';
	}
	const run = runScenario(sc);
	// mismatched expectations are fine (we changed the input); corrupted state is not
	expect(run.failure ?? '').not.toMatch(/but changed the state/);
	// a history switch lets a run break invariants on purpose
	if (sc.config.history.length === 0)
		for (const o of run.outcomes) expect(o.violations, `${file} step ${o.index}`).toEqual([]);
	return 'parsed';
}

describe('bad input never crashes and never corrupts', () => {
	test(`${corpus.length} shipped scenarios, one value made wrong: a FormatError or a clean run`, () => {
		expect(corpus.length).toBeGreaterThan(30);
		const entry = fc.constantFrom(...corpus).chain(({ file, json }) =>
			fc.record({
				file: fc.constant(file),
				json: fc.constant(json),
				path: fc.constantFrom(...paths(json)),
				value: wrongValue
			})
		);
		let parsed = 0;
		let refused = 0;
		fc.assert(
			fc.property(entry, ({ file, json, path, value }) => {
				const outcome = check(file, mutate(json, path, value), path);
				if (outcome === 'parsed') parsed++;
				else refused++;
			}),
			{
				numRuns: Number(process.env.FUZZ_RUNS ?? 400),
				seed: Number(process.env.FUZZ_SEED ?? 20261202)
			}
		);
		// both sides were exercised
		expect(parsed).toBeGreaterThan(20);
		expect(refused).toBeGreaterThan(20);
	});

	test('every string in every shipped scenario replaced by a name every object inherits', () => {
		let n = 0;
		for (const { file, json } of corpus)
			for (const path of paths(json)) {
				let v: Json = json;
				for (const k of path) v = (v as Record<string | number, Json>)[k]!;
				if (typeof v !== 'string') continue;
				for (const name of INHERITED) {
					check(file, mutate(json, path, name), path);
					n++;
				}
			}
		expect(n).toBeGreaterThan(100);
	});
});
