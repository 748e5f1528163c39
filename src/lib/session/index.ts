// What a person does with the engine: the timeline (history, seeking, marks), the scenario format
// with its lesson, and history as a scenario. Pure TS over src/lib/ring. Export list only.
export { Timeline } from './timeline';
export type {
	Freeze,
	TimelineApply,
	TimelineEntry,
	TimelineLoad,
	TimelineOptions
} from './timeline';
export { MARK_KINDS } from './marks';
export type { Mark, MarkKind } from './marks';
export { explainViolation, explainViolations, INVARIANT_RULES } from './explain';
export { parseScenario } from './scenario';
export type { Scenario } from './scenario';
export type { Choice, Lesson, Narration, Question } from './lesson-format';
export { compactConfig, historyScenario, mergeStepRuns, restoreShared } from './history';
