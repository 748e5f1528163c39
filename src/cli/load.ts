/** Reading and parsing a scenario file for a command; the reason it could not goes to `err` (exit 2). */
import { FormatError } from '../lib/ring';
import { parseScenario, type Scenario } from '../lib/session';
import { readInput } from './input';

export function loadScenario(file: string, err: (s: string) => void): Scenario | null {
	let text: string;
	try {
		text = readInput(file);
	} catch (e) {
		err(`ringlab: cannot read ${file}: ${(e as Error).message}`);
		return null;
	}
	try {
		return parseScenario(text);
	} catch (e) {
		if (e instanceof FormatError) {
			err(`ringlab: malformed scenario at ${e.path}: ${e.reason}`);
			return null;
		}
		throw e;
	}
}
