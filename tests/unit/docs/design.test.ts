// docs/design.md's "Writer steps" and "Reader steps" tables are the step tables written out: the
// same steps in the same order (pc), with the same ids, labels and kernel functions as
// WRITER_STEP_TABLE and READER_TABLE.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { READER_TABLE } from '../../../src/lib/ring/reader';
import { WRITER_STEP_TABLE } from '../../../src/lib/ring/writer';

/** The rows of the first Markdown table after `heading`, as trimmed cells. */
function tableAfter(md: string, heading: string): string[][] {
	const at = md.indexOf(`\n${heading}\n`);
	if (at < 0) throw new Error(`no heading ${heading}`);
	const lines = md.slice(at).split('\n');
	const first = lines.findIndex((l) => l.startsWith('|'));
	const rows: string[][] = [];
	for (let i = first + 2; i < lines.length && lines[i]!.startsWith('|'); i++)
		rows.push(
			lines[i]!.split(/(?<!\\)\|/)
				.slice(1, -1)
				.map((c) => c.trim())
		);
	return rows;
}

const code = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('docs/design.md', () => {
	test('the "Writer steps" table lists WRITER_STEP_TABLE: pc, id, label, kernel function', () => {
		const md = readFileSync(new URL('../../../docs/design.md', import.meta.url), 'utf8');
		const rows = tableAfter(md, '### Writer steps');
		expect(
			rows.map(([pc, id, label, kernel]) => [Number(pc), code(id!), label, code(kernel!)])
		).toEqual(WRITER_STEP_TABLE.map((s, pc) => [pc, s.id, s.label, s.kernel]));
	});

	test('the "Reader steps" table lists READER_TABLE: pc, label, kernel function', () => {
		const md = readFileSync(new URL('../../../docs/design.md', import.meta.url), 'utf8');
		const rows = tableAfter(md, '### Reader steps');
		expect(
			rows.map(([pc, label, kernel]) => [
				Number(pc),
				label!.replace(/\\\|/g, '|'),
				code(kernel!)
			])
		).toEqual(READER_TABLE.map((s, pc) => [pc, s.label, s.kernel]));
	});
});
