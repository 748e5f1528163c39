// Running the CLI in-process for tests: its exit code, its stdout lines, its stderr text.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { main } from '../../../src/cli/main';

export function run(args: string[]) {
	const out: string[] = [];
	let err = '';
	const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
		err += String(s);
		return true;
	});
	const code = main(args, (s) => out.push(s));
	spy.mockRestore();
	return { code, out, err };
}

export function tmpScenario(doc: unknown): string {
	const p = join(mkdtempSync(join(tmpdir(), 'ringlab-')), 's.json');
	writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
	return p;
}
