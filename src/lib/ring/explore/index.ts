// The explorer: every schedule of the contexts a scenario leaves in flight. Export list only.
export { endStateHash, explore, splitScenario } from './explore';
export type {
	EndGroup,
	ExploreOptions,
	ExploreProgress,
	ExploreResult,
	ExploreSetup,
	ExploreViolation,
	Move,
	ViolationKind
} from './explore';
export { describeSchedule, scheduleSteps, violationScenario } from './schedule';
