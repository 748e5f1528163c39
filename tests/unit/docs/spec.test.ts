// docs/spec.md is the contract (issue 14 item 14): these checks fail when the code has something
// public that the spec does not list. Messages, ops, fields and test ids are read from the sources
// themselves (the TypeScript syntax tree, the Svelte markup), so a new refusal, op or test id fails
// here until spec.md lists it. Messages with ${...} are compared by their literal pieces, which
// must appear in order on one line of the spec (where the spec writes an UPPERCASE placeholder).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { HISTORY_SWITCHES, MAX_CPUS, MAX_SUBBUFS_PER_CPU } from '../../../src/lib/ring/config';
import { MAX_SUBBUF_ORDER } from '../../../src/lib/ring/constants';
import { MAX_CAPTURE_BYTES } from '../../../src/lib/ring/capture';
import { MAX_DEPTH, MAX_PAYLOAD_BYTES } from '../../../src/lib/ring/input-bounds';
import { MAX_SLOTS, MAX_STATE_BYTES } from '../../../src/lib/ring/layout';
import { REFUSAL_CHECK_MAX_BYTES } from '../../../src/lib/ring/scenario';
import { OP_NAMES } from '../../../src/lib/ring/steps';
import { MAX_SCENARIO_BYTES } from '../../../src/cli/input';
import { EMBED_CALLS } from '../../../src/lib/ui/embed-protocol';
import { PANELS } from '../../../src/lib/ui/panels';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SPEC = readFileSync(join(ROOT, 'docs/spec.md'), 'utf8');

/** The lines of the section whose heading starts with `heading`, up to the next heading as high. */
function section(text: string, heading: string): string[] {
	const lines = text.split('\n');
	const start = lines.findIndex((l) => l.startsWith(heading));
	if (start < 0) throw new Error(`docs/spec.md has no heading "${heading}"`);
	const level = /^#+/.exec(heading)![0].length;
	const end = lines.findIndex(
		(l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level
	);
	return lines.slice(start, end < 0 ? undefined : end);
}

/** The code span in the first cell of every table row of `lines` (header rows have none). */
function firstCells(lines: string[]): string[] {
	return lines.flatMap((l) => {
		const m = /^\|\s*`([^`]+)`/.exec(l);
		return m ? [m[1]!] : [];
	});
}

function parse(file: string): ts.SourceFile {
	const text = readFileSync(join(ROOT, file), 'utf8');
	return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

/** The literal pieces of a string or template literal ('' where a ${...} goes), or null. */
function pieces(node: ts.Node): string[] | null {
	if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
	if (ts.isTemplateExpression(node))
		return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)];
	return null;
}

/** Plain words for a person: a space, at least 8 other characters, not a log line ('# ...'). */
function isMessage(p: string[]): boolean {
	const text = p.join('');
	return text.includes(' ') && text.replace(/\s/g, '').length >= 8 && !/^\s*#/.test(text);
}

/** The name of a function declaration or a method, or undefined. */
function functionName(node: ts.Node): string | undefined {
	if (
		(ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) &&
		node.name &&
		ts.isIdentifier(node.name)
	)
		return node.name.text;
	return undefined;
}

/**
 * Every message (string or template in plain words) of `file`, or only of the functions and
 * methods named in `only` (each must exist: a rename fails here rather than reading nothing).
 * Import paths are not messages.
 */
function messagesOf(file: string, only?: readonly string[]): string[][] {
	const out: string[][] = [];
	const seen = new Set<string>();
	const visit = (node: ts.Node, inside: boolean) => {
		if (ts.isImportDeclaration(node)) return;
		const name = functionName(node);
		const chosen = name !== undefined && only?.includes(name) === true;
		if (chosen) seen.add(name);
		const here = inside || chosen;
		const p = pieces(node);
		if (p && here && isMessage(p)) out.push(p);
		ts.forEachChild(node, (c) => visit(c, here));
	};
	visit(parse(file), only === undefined);
	const lost = (only ?? []).filter((n) => !seen.has(n));
	if (lost.length) throw new Error(`${file} has no function ${lost.join(', ')}`);
	return out;
}

/** Where window.ringlab's and the embed API's rejection messages are written. */
const REJECTION_SOURCES: { file: string; only?: readonly string[] }[] = [
	{ file: 'src/lib/ui/api-refusals.ts' },
	{ file: 'src/lib/ui/page-api.ts' },
	{ file: 'src/lib/ui/embed-protocol.ts' },
	{ file: 'src/lib/ui/embed-bridge.ts' },
	// what the lab's load, step and share answer with (page-api.ts passes it on)
	{ file: 'src/lib/ui/simulation.svelte.ts', only: ['load', 'step', 'share'] },
	// the engine's refusals of a move in time or of a step on a frozen timeline
	{ file: 'src/lib/session/timeline.ts', only: ['seek', 'apply'] },
	{ file: 'src/lib/worker/host.ts', only: ['timelineCall'] }
];

/** True when some line of `text` holds the pieces in order. */
function holds(text: string, p: string[]): boolean {
	return text.split('\n').some((line) => {
		let at = 0;
		for (const piece of p) {
			if (!piece) continue;
			const i = line.indexOf(piece, at);
			if (i < 0) return false;
			at = i + piece.length;
		}
		return true;
	});
}

/** The messages that `spec` does not hold, shown as the code writes them. */
function missingMessages(spec: string, messages: string[][]): string[] {
	return messages.filter((p) => !holds(spec, p)).map((p) => p.join('${…}'));
}

const MESSAGES = REJECTION_SOURCES.flatMap((s) => messagesOf(s.file, s.only));
/** §4, the page: where window.ringlab's (4.3) and the embed API's (4.7) messages are listed. */
const PAGE_SECTION = section(SPEC, '## 4. ').join('\n');

describe('docs/spec.md lists every rejection of window.ringlab and the embed API', () => {
	it('reads the messages from the sources (not an empty list)', () => {
		const texts = MESSAGES.map((p) => p.join('${…}'));
		expect(MESSAGES.length).toBeGreaterThanOrEqual(25);
		// a few the e2e tests see, one per source, so a broken reader cannot pass quietly
		for (const known of [
			'already at step 0, the start of the timeline',
			'writer threads are running and cannot be replayed: stop the continuous writer first',
			"the scenario's expectations failed (ringlab run exits 1 on it): ${…}",
			'"args" must be an array when given',
			'the lab is not ready yet',
			'the engine did not load it',
			'position ${…} is outside the timeline (0..${…})',
			'the scenario is malformed at ${…}'
		])
			expect(texts).toContain(known);
	});

	it('holds each message in §4, its literal pieces in order on one line', () => {
		expect(missingMessages(PAGE_SECTION, MESSAGES)).toEqual([]);
	});

	it('fails when the line that holds a message is gone', () => {
		const lines = PAGE_SECTION.split('\n');
		for (const gone of [
			'`already at step 0, the start of the timeline`',
			'`"args" must be an array when given`',
			'`the context must be the name of a context in flight'
		]) {
			const cut = lines.filter((l) => !l.includes(gone)).join('\n');
			expect(cut.length).toBeLessThan(PAGE_SECTION.length);
			expect(missingMessages(cut, MESSAGES).length).toBeGreaterThan(0);
		}
	});

	it('has a row for every member of window.ringlab and every embed call', () => {
		const api = parse('src/lib/ui/page-api.ts');
		const members: string[] = [];
		api.forEachChild((n) => {
			if (ts.isInterfaceDeclaration(n) && n.name.text === 'RinglabApi')
				for (const m of n.members)
					if (m.name && ts.isIdentifier(m.name)) members.push(m.name.text);
		});
		expect(members.length).toBeGreaterThanOrEqual(10);
		const rows = firstCells(section(SPEC, '### 4.3')).map((c) => c.replace(/\(.*$/, ''));
		expect(members.filter((m) => !rows.includes(m))).toEqual([]);
		const calls = firstCells(section(SPEC, '### 4.7'));
		expect(EMBED_CALLS.filter((c) => !calls.includes(c))).toEqual([]);
	});
});

describe('docs/spec.md lists every op of the scenario format', () => {
	const table = section(SPEC, '### Operations');
	const rows = new Map(
		table.flatMap((l) => {
			const m = /^\|\s*`([^`]+)`\s*\|([^|]*)\|/.exec(l);
			return m ? [[m[1]!, m[2]!] as const] : [];
		})
	);

	it('has one row per op the validator accepts, and no other', () => {
		expect(OP_NAMES.length).toBeGreaterThanOrEqual(20);
		expect([...rows.keys()].sort()).toEqual([...OP_NAMES].sort());
	});

	it("names every field of each op in its row's fields", () => {
		const fields = new Map<string, string[]>();
		parse('src/lib/ring/steps.ts').forEachChild((n) => {
			if (!ts.isVariableStatement(n)) return;
			for (const d of n.declarationList.declarations)
				if (ts.isIdentifier(d.name) && d.name.text === 'FIELDS' && d.initializer)
					for (const p of (d.initializer as ts.ObjectLiteralExpression).properties)
						if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name))
							fields.set(
								p.name.text,
								(p.initializer as ts.ArrayLiteralExpression).elements.map(
									(e) => (e as ts.StringLiteral).text
								)
							);
		});
		expect([...fields.keys()].sort()).toEqual([...OP_NAMES].sort());
		const unnamed = [...fields].flatMap(([op, fs]) =>
			fs.filter((f) => !rows.get(op)?.includes(`\`${f}\``)).map((f) => `${op}.${f}`)
		);
		expect(unnamed).toEqual([]);
	});

	it('names every history switch and every panel', () => {
		const history = section(SPEC, '### History switches').join('\n');
		for (const h of HISTORY_SWITCHES) expect(history).toContain(`"${h}"`);
		const url = section(SPEC, '### 4.2').join('\n');
		for (const p of PANELS) expect(url).toContain(`\`${p}\``);
	});
});

/**
 * The engine's refusal messages: the second argument of every `refuse(errno, message)` in
 * src/lib/ring, the writer's WRITE_FAIL_MESSAGES and the snapshot swap's `fail(code, message)`.
 */
function engineRefusals(): string[][] {
	const out: string[][] = [];
	const strings = (node: ts.Node) => {
		const p = pieces(node);
		if (p && isMessage(p)) out.push(p);
		node.forEachChild(strings);
	};
	for (const file of filesUnder('src/lib/ring', ['.ts'])) {
		const visit = (node: ts.Node) => {
			if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
				const fn = node.expression.text;
				if (fn === 'refuse' && node.arguments[1]) strings(node.arguments[1]);
				if (fn === 'fail' && file.endsWith('snapshot.ts')) node.arguments.forEach(strings);
			}
			if (
				ts.isVariableDeclaration(node) &&
				ts.isIdentifier(node.name) &&
				node.name.text === 'WRITE_FAIL_MESSAGES' &&
				node.initializer
			)
				strings(node.initializer);
			node.forEachChild(visit);
		};
		visit(parse(file));
	}
	return out;
}

describe('docs/spec.md gives the message of every engine refusal', () => {
	const refusals = engineRefusals();
	it('reads the refusals from the engine (not an empty list)', () => {
		expect(refusals.length).toBeGreaterThanOrEqual(50);
		expect(refusals.map((p) => p.join('${…}'))).toContain('mmap of length 0');
	});

	it('lists each in §2, "Refusal messages"', () => {
		const table = section(SPEC, '### Refusal messages').join('\n');
		expect(missingMessages(table, refusals)).toEqual([]);
	});
});

/** Every file under `dir` whose name ends with one of `exts`. */
function filesUnder(dir: string, exts: string[]): string[] {
	return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
		.filter((f) => exts.some((e) => f.endsWith(e)))
		.map((f) => join(dir, f));
}

/** A test id as the source writes it, `{...}` and `${...}` reduced to their literal pieces. */
type TestId = { file: string; pieces: string[] };

function svelteTestIds(file: string): TestId[] {
	const text = readFileSync(join(ROOT, file), 'utf8');
	const out: TestId[] = [];
	for (const m of text.matchAll(/data-testid=(.)/g)) {
		if (m[1] !== '"') throw new Error(`${file}: data-testid=${m[1]}… is not read by this test`);
		const value = text.slice(m.index + m[0].length, text.indexOf('"', m.index + m[0].length));
		out.push({ file, pieces: value.split(/\{[^}]*\}/) });
	}
	return out;
}

/**
 * The test ids `.attr('data-testid', …)` sets: the strings and templates of the value, or of the
 * function of the same file it calls (subbufTestId). Any other use of 'data-testid' is an error,
 * so a new way of setting one cannot slip past.
 */
function tsTestIds(file: string): TestId[] {
	const sf = parse(file);
	const out: TestId[] = [];
	const functions = new Map<string, ts.FunctionDeclaration>();
	sf.forEachChild((n) => {
		if (ts.isFunctionDeclaration(n) && n.name) functions.set(n.name.text, n);
	});
	const collect = (node: ts.Node) => {
		const p = pieces(node);
		if (p) return void out.push({ file, pieces: p });
		if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
			const f = functions.get(node.expression.text);
			if (f?.body)
				f.body.forEachChild(function find(c: ts.Node): void {
					if (ts.isReturnStatement(c) && c.expression) collect(c.expression);
					else c.forEachChild(find);
				});
		}
		node.forEachChild(collect);
	};
	const visit = (node: ts.Node) => {
		if (ts.isStringLiteral(node) && node.text === 'data-testid') {
			const call = node.parent;
			if (
				!ts.isCallExpression(call) ||
				call.arguments[0] !== node ||
				!ts.isPropertyAccessExpression(call.expression) ||
				call.expression.name.text !== 'attr' ||
				call.arguments.length !== 2
			)
				throw new Error(`${file}: 'data-testid' used in a way this test does not read`);
			collect(call.arguments[1]!);
			return;
		}
		node.forEachChild(visit);
	};
	visit(sf);
	return out;
}

const PLACEHOLDER = '[A-Z][A-Z0-9_]*';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The source's test id as a pattern over the spec's: each `${...}` an UPPERCASE placeholder. */
const patternOf = (id: TestId) => new RegExp(`^${id.pieces.map(escape).join(PLACEHOLDER)}$`);

describe('docs/spec.md lists every data-testid of src/', () => {
	const ids = [
		...filesUnder('src', ['.svelte']).flatMap(svelteTestIds),
		...filesUnder('src', ['.ts']).flatMap(tsTestIds)
	];
	const listed = firstCells(section(SPEC, '### 4.6'));

	it('reads the test ids from the sources (not an empty list)', () => {
		expect(ids.length).toBeGreaterThanOrEqual(90);
		const shown = ids.map((i) => i.pieces.join('…'));
		for (const known of [
			'ring-cpu-…',
			'subbuf-…-p…',
			'subbuf-…-…',
			'record-missed',
			'timeline'
		])
			expect(shown).toContain(known);
	});

	it('has a row for each test id of the sources', () => {
		const missing = ids
			.filter((id) => !listed.some((t) => patternOf(id).test(t)))
			.map((id) => `${id.file}: ${id.pieces.join('${…}')}`);
		expect(missing).toEqual([]);
	});

	it('lists no test id the sources do not set, and each once', () => {
		expect(listed.filter((t) => !ids.some((id) => patternOf(id).test(t)))).toEqual([]);
		expect(listed.filter((t, i) => listed.indexOf(t) !== i)).toEqual([]);
	});
});

describe('docs/spec.md gives every limit the code enforces', () => {
	const limits = section(SPEC, '## 5. Limits');
	it.each([
		['MAX_STATE_BYTES', MAX_STATE_BYTES],
		['MAX_DEPTH', MAX_DEPTH],
		['MAX_PAYLOAD_BYTES', MAX_PAYLOAD_BYTES],
		['MAX_SCENARIO_BYTES', MAX_SCENARIO_BYTES],
		['MAX_CAPTURE_BYTES', MAX_CAPTURE_BYTES],
		['MAX_CPUS', MAX_CPUS],
		['MAX_SUBBUFS_PER_CPU', MAX_SUBBUFS_PER_CPU],
		['MAX_SUBBUF_ORDER', MAX_SUBBUF_ORDER],
		['MAX_SLOTS', MAX_SLOTS],
		['REFUSAL_CHECK_MAX_BYTES', REFUSAL_CHECK_MAX_BYTES]
	])('%s = %d has a row with its value', (name, value) => {
		const row = limits.find((l) => l.startsWith('|') && l.includes(`\`${name}\``));
		expect(row, `no row names ${name}`).toBeDefined();
		expect(row).toMatch(new RegExp(`\\b${value}\\b`));
	});
});
