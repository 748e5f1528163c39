/**
 * Making an output directory (--raw-dir, --out) that fails fast with a plain reason. Node's
 * `mkdirSync(dir, { recursive: true })` retries forever where the kernel answers ENOENT for a
 * parent that exists (under /proc), and throws EEXIST for a file; this walks up to the nearest
 * existing ancestor and creates each missing level once.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Creates `dir` and its missing parents; returns why it could not, or null. */
export function makeDir(dir: string): string | null {
	const missing: string[] = [];
	let d = resolve(dir);
	for (;;) {
		try {
			if (!statSync(d).isDirectory()) return `${d} exists and is not a directory`;
			break;
		} catch (e) {
			const code = (e as NodeJS.ErrnoException).code;
			if (code !== 'ENOENT') return `cannot look at ${d}: ${code}`;
			missing.unshift(d);
			const parent = dirname(d);
			if (parent === d) return `${d} does not exist`;
			d = parent;
		}
	}
	for (const m of missing)
		try {
			mkdirSync(m);
		} catch (e) {
			return `cannot create ${m}: ${(e as NodeJS.ErrnoException).code}`;
		}
	return null;
}
