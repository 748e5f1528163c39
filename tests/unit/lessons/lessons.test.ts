// Lessons (issue 6): every shipped lesson parses, runs to its end with every expectation holding
// and no invariant broken, its narration points at real steps, and exactly one choice of its
// closing question matches what the engine does at the reveal step. The lesson format's validator
// names the JSON path of what is wrong.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
	evaluateQuestion,
	narrationAt,
	narrationUpTo,
	questionPosition
} from '../../../src/lib/lessons/lesson';
import { FormatError, parseScenario, runScenario, Timeline } from '../../../src/lib/ring';

const dir = join(__dirname, '../../../scenarios/lessons');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const load = (f: string) => parseScenario(readFileSync(join(dir, f), 'utf8'));

describe('shipped lessons', () => {
	test('there is a lesson for each topic of issue 6', () => {
		expect(files.length).toBeGreaterThanOrEqual(8);
		for (const f of files) expect(load(f).lesson, f).toBeDefined();
	});

	test.each(files)('%s runs to its end and exactly one choice matches', (f) => {
		const sc = load(f);
		const run = runScenario(sc);
		expect(run.failure).toBeNull();
		expect(run.ok).toBe(true);
		const q = evaluateQuestion(sc)!;
		expect(q.failure).toBeNull();
		expect(q.matching).toHaveLength(1);
		// the timeline reaches the same end and never freezes
		const tl = Timeline.fromScenario(sc);
		expect(tl.stopped).toBeNull();
		expect(tl.sim.state()).toEqual(run.final);
		// narration: at real steps, in order, each shown at exactly one position
		const steps = sc.lesson!.narration.map((n) => n.step);
		expect([...steps].sort((a, b) => a - b)).toEqual(steps);
		for (const n of sc.lesson!.narration)
			expect(narrationAt(sc.lesson!.narration, tl.starts, tl.starts[n.step + 1]!)).toBe(n);
		expect(narrationUpTo(sc.lesson!.narration, tl.starts, tl.length)).toHaveLength(
			steps.length
		);
		expect(questionPosition(sc, tl.starts)).toBe(tl.starts[sc.lesson!.question.step]);
		// no narration after the reveal: the question ends the lesson
		expect(Math.max(-1, ...steps)).toBeLessThan(sc.lesson!.question.step);
	});
});

describe('the lesson format', () => {
	const base = {
		ringlab: 1,
		steps: [
			{ op: 'write', cpu: 0, size: 8 },
			{ op: 'consume', cpu: 0 }
		]
	};
	const lesson = {
		intro: 'Two steps.',
		narration: [{ step: 0, text: 'One write.' }],
		question: {
			prompt: 'What comes out?',
			step: 1,
			choices: [
				{ text: 'One event', result: { events: [{}] } },
				{ text: 'Nothing', result: { events: [] } }
			]
		}
	};
	const bad = (l: unknown) => {
		try {
			parseScenario({ ...base, lesson: l });
		} catch (e) {
			if (e instanceof FormatError) return e.message;
			throw e;
		}
		return 'accepted';
	};

	test('a valid lesson is kept, and its question is decided by the engine', () => {
		const sc = parseScenario({ ...base, lesson });
		expect(sc.lesson!.question.choices).toHaveLength(2);
		expect(evaluateQuestion(sc)!.matching).toEqual([0]);
		expect(evaluateQuestion(parseScenario(base))).toBeNull();
	});

	test('what is wrong is named by its JSON path', () => {
		expect(bad({ ...lesson, extra: 1 })).toBe('$.lesson.extra: is not a lesson field');
		expect(bad({ ...lesson, intro: '' })).toMatch(/^\$\.lesson\.intro: /);
		expect(bad({ ...lesson, narration: [{ step: 2, text: 'x' }] })).toMatch(
			/^\$\.lesson\.narration\[0\]\.step: must be a step index 0\.\.1/
		);
		expect(bad({ ...lesson, question: { ...lesson.question, step: -1 } })).toMatch(
			/^\$\.lesson\.question\.step: /
		);
		expect(
			bad({
				...lesson,
				question: { ...lesson.question, choices: [lesson.question.choices[0]] }
			})
		).toMatch(/^\$\.lesson\.question\.choices: must be an array of 2 to 6/);
		expect(
			bad({
				...lesson,
				question: { ...lesson.question, choices: [{ text: 'a' }, { text: 'b', state: {} }] }
			})
		).toMatch(/choices\[0\]: needs a "result" or a "state"/);
		expect(
			bad({
				...lesson,
				question: {
					...lesson.question,
					choices: [
						{ text: 'a', result: { ts: { $gt: 'x' } } },
						lesson.question.choices[1]
					]
				}
			})
		).toMatch(/choices\[0\]\.result\.ts\.\$gt/);
		expect(() => parseScenario({ ...base, lessons: {} })).toThrow('$.lessons');
	});
});
