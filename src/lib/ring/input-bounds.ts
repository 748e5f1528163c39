/**
 * Bounds on what a scenario document may hold, checked before anything walks it recursively or
 * runs a regular expression over it: how deep objects and arrays nest, and how long a payload is.
 * Each bound is a FormatError with the JSON path where it was passed (docs/spec.md, "Limits").
 */
import { FormatError } from './errors';

/** Deepest nesting of objects and arrays in a scenario (the shipped ones stay under 10). */
export const MAX_DEPTH = 64;

/** Most bytes in one `payload` (and in a `size`): a sub-buffer of the largest order holds less. */
export const MAX_PAYLOAD_BYTES = 2 ** 20;

/**
 * The largest scenario, in bytes of UTF-8 JSON (the shipped ones are under 20 KiB): a file the CLI
 * reads, and text or an object given to the page (URL, Open .json, a dropped file, the Edit
 * scenario dialog, window.ringlab.load, the embed API's load), checked before it is parsed.
 */
export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

/** The reason a scenario over MAX_SCENARIO_BYTES is refused (`what`: "scenario file" for files). */
export function scenarioSizeReason(what = 'scenario'): string {
	return `more than ${MAX_SCENARIO_BYTES / (1024 * 1024)} MiB: a ${what} is at most ${MAX_SCENARIO_BYTES} bytes`;
}

/**
 * Whether `text` takes more than MAX_SCENARIO_BYTES bytes as UTF-8. A UTF-16 unit is 1 to 3 bytes
 * (a surrogate pair 4), so only text between a third of the bound and the bound is counted.
 */
export function scenarioTextTooLarge(text: string): boolean {
	if (text.length > MAX_SCENARIO_BYTES) return true;
	if (text.length * 3 <= MAX_SCENARIO_BYTES) return false;
	let bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		bytes += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
		if (bytes > MAX_SCENARIO_BYTES) return true;
	}
	return false;
}

/** Throws FormatError at `$` when scenario text is over MAX_SCENARIO_BYTES (before any parse). */
export function checkScenarioText(text: string): void {
	if (scenarioTextTooLarge(text)) throw new FormatError('$', scenarioSizeReason());
}

/**
 * The same bound for a scenario given as an object (window.ringlab.load, the embed API): its size
 * as JSON text. Call after checkDepth (so it has no cycle and cannot overflow the stack); text too
 * long for the engine to build at all is over the bound too.
 */
export function checkScenarioObject(doc: unknown): void {
	let text: string | undefined;
	try {
		text = JSON.stringify(doc);
	} catch {
		throw new FormatError('$', scenarioSizeReason());
	}
	if (text !== undefined) checkScenarioText(text);
}

interface Frame {
	value: unknown;
	depth: number;
	parent: Frame | null;
	key: string | number;
}

function pathOf(f: Frame): string {
	const parts: string[] = [];
	for (let x: Frame | null = f; x && x.parent; x = x.parent)
		parts.push(typeof x.key === 'number' ? `[${x.key}]` : `.${x.key}`);
	return '$' + parts.reverse().join('');
}

/**
 * Throws FormatError at the first value nested deeper than `max` levels (the root object is level
 * 1). Iterative, so no input can overflow the stack here.
 */
export function checkDepth(root: unknown, max = MAX_DEPTH): void {
	const stack: Frame[] = [{ value: root, depth: 1, parent: null, key: '' }];
	while (stack.length) {
		const f = stack.pop()!;
		const v = f.value;
		if (typeof v !== 'object' || v === null) continue;
		if (f.depth > max) throw new FormatError(pathOf(f), `nested more than ${max} levels deep`);
		if (Array.isArray(v))
			for (let i = 0; i < v.length; i++)
				stack.push({ value: v[i], depth: f.depth + 1, parent: f, key: i });
		else
			for (const k of Object.keys(v))
				stack.push({
					value: (v as Record<string, unknown>)[k],
					depth: f.depth + 1,
					parent: f,
					key: k
				});
	}
}

/** A hex string of whole bytes, checked by length first and then by a plain loop (no regex). */
export function checkPayload(v: unknown, path: string): string {
	if (typeof v !== 'string') throw new FormatError(path, 'must be a hex string of whole bytes');
	if (v.length > 2 * MAX_PAYLOAD_BYTES)
		throw new FormatError(
			path,
			`is ${v.length / 2} bytes; a payload holds at most ${MAX_PAYLOAD_BYTES} bytes (the largest sub-buffer holds less)`
		);
	if (v.length % 2) throw new FormatError(path, 'must be a hex string of whole bytes');
	for (let i = 0; i < v.length; i++) {
		const c = v.charCodeAt(i) | 0x20; // lower-cases A-F
		if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66)))
			throw new FormatError(path, 'must be a hex string of whole bytes');
	}
	return v;
}
