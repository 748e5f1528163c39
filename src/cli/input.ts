/** Reads a scenario file, or standard input for "-". */
import { readFileSync } from 'node:fs';

export function readInput(file: string): string {
	return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
}
