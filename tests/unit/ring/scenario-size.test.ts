// The scenario size bound (issue #17, "16 MiB scenario limit only in the CLI"): every way a scenario
// enters the page refuses one over MAX_SCENARIO_BYTES by its length, before it is parsed, with the
// CLI's words: text and objects given to the parser (window.ringlab.load, the embed API, the Edit
// scenario dialog), the URL's base64url code, and the editor's draft.
import { describe, expect, test } from 'vitest';
import { FormatError, parseScenario } from '../../../src/lib/ring';
import {
	MAX_SCENARIO_BYTES,
	scenarioSizeReason,
	scenarioTextTooLarge
} from '../../../src/lib/ring/input-bounds';
import { decodeShareQuery } from '../../../src/lib/ui/url-state';
import { checkDraft, draftOf } from '../../../src/lib/ui/scenario-draft';

const REASON = 'more than 16 MiB: a scenario is at most 16777216 bytes';
/** A valid scenario whose JSON text is `bytes` long (ASCII), or near it. */
function scenarioOf(title: string) {
	return { ringlab: 1, title, config: { cpus: 1, subbufsPerCpu: 4, subbufOrder: 0 }, steps: [] };
}
const over = scenarioOf('x'.repeat(MAX_SCENARIO_BYTES));
const overText = JSON.stringify(over);

function refusal(f: () => unknown): FormatError {
	try {
		f();
	} catch (e) {
		if (e instanceof FormatError) return e;
		throw e;
	}
	throw new Error('not refused');
}

describe('the scenario size bound outside the CLI', () => {
	test("the reason is the CLI's, and the bound is 16 MiB", () => {
		expect(MAX_SCENARIO_BYTES).toBe(16777216);
		expect(scenarioSizeReason()).toBe(REASON);
		expect(scenarioSizeReason('scenario file')).toBe(
			'more than 16 MiB: a scenario file is at most 16777216 bytes'
		);
	});

	test('text over the bound is malformed at $ before JSON.parse (a valid scenario otherwise)', () => {
		const e = refusal(() => parseScenario(overText));
		expect(e.path).toBe('$');
		expect(e.reason).toBe(REASON);
		// Not even looked at as JSON: text that is not JSON gets the same refusal.
		expect(refusal(() => parseScenario('{' + ' '.repeat(MAX_SCENARIO_BYTES))).reason).toBe(
			REASON
		);
	});

	test('an object over the bound (window.ringlab.load, the embed API) is refused the same way', () => {
		const e = refusal(() => parseScenario(over));
		expect(e.path).toBe('$');
		expect(e.reason).toBe(REASON);
	});

	test('the bound counts UTF-8 bytes, as the CLI reads them', () => {
		// 2 bytes each: fewer UTF-16 units than the bound, more bytes.
		const wide = 'é'.repeat(MAX_SCENARIO_BYTES / 2 + 1);
		expect(wide.length).toBeLessThan(MAX_SCENARIO_BYTES);
		expect(scenarioTextTooLarge(wide)).toBe(true);
		expect(scenarioTextTooLarge('é'.repeat(MAX_SCENARIO_BYTES / 2))).toBe(false);
		// A scenario just under the bound still parses.
		const under = scenarioOf('é'.repeat(MAX_SCENARIO_BYTES / 2 - 100));
		expect(parseScenario(JSON.stringify(under)).title).toBe(under.title);
	});

	test('a ?scenario= code over the bound is refused by its length, before it is decoded', () => {
		// 4 characters carry 3 bytes: one group more than the bound holds.
		const groups = Math.ceil(MAX_SCENARIO_BYTES / 3) + 1;
		const r = decodeShareQuery(`?scenario=${'A'.repeat(groups * 4)}`);
		expect(r).toMatchObject({
			ok: false,
			message: `the scenario is malformed at $: ${REASON}`
		});
		// Not decoded: characters that are not base64url give the same refusal.
		const bad = decodeShareQuery(`?scenario=${'!'.repeat(groups * 4)}`);
		expect(bad).toMatchObject({
			ok: false,
			message: `the scenario is malformed at $: ${REASON}`
		});
	});

	test('the Edit scenario dialog: text over the bound is no draft, and the check says why', () => {
		expect(draftOf(overText)).toBeNull();
		expect(checkDraft(overText)).toEqual({
			ok: false,
			path: '$',
			reason: REASON,
			message: `$: ${REASON}`
		});
	});
});
