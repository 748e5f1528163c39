/**
 * The scenario format as people write it (spec §2): the engine's scenario (src/lib/ring/scenario.ts:
 * the machine and its steps) with the optional `lesson` (lesson-format.ts). The CLI, the worker,
 * the page and the lessons parse scenario files with this one function.
 */
import { parseScenario as parseEngineScenario, type Scenario as EngineScenario } from '../ring';
import { validateLesson, type Lesson } from './lesson-format';

export interface Scenario extends EngineScenario {
	/** Narration and predictions (optional; see lesson-format.ts). */
	lesson?: Lesson;
}

/** Parses JSON text or an object into a validated scenario; throws FormatError with a JSON path. */
export function parseScenario(input: unknown): Scenario {
	return parseEngineScenario<{ lesson: Lesson }>(input, { lesson: validateLesson });
}
