// A kernel record stored in tests/kernel/captures (made by `ringlab kernel run --out`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KernelRecord } from '../../../src/kernel/runner';

export function capture(name: string): KernelRecord {
	return JSON.parse(
		readFileSync(join(__dirname, '../../kernel/captures', name, 'record.json'), 'utf8')
	) as KernelRecord;
}
