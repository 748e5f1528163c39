// ringlab engine: the kernel's tracing ring buffer in TypeScript, and nothing else (the session
// that a person drives is src/lib/session, the worker src/lib/worker). Export list only.
export { Simulation, generatedPayload } from './simulation';
export type { StepResult, StepRecord, Warning, Checkpoint, ContextInfo } from './simulation';
export { validateConfig, DEFAULT_CONFIG } from './config';
export type { RingConfig, ConfigInput, KernelVersion } from './config';
export {
	describeCpu,
	describeRing,
	describePage,
	describeSnapshot,
	pageRecords,
	recordsInReadOrder,
	writerProgress
} from './describe';
export type { RingState, CpuState, PageState } from './describe';
export { checkInvariants } from './invariants';
export type { Violation } from './invariants';
export { parseScenario, runScenario } from './scenario';
export type { ExtraFields, Interrupt, Scenario, ScenarioRun, StepOutcome } from './scenario';
export {
	describeSchedule,
	endStateHash,
	explore,
	scheduleSteps,
	splitScenario,
	violationScenario,
	type EndGroup,
	type ExploreResult,
	type ExploreViolation,
	type Move
} from './explore';
export { checkExpectShape, matchExpect } from './expect';
export type { Mismatch } from './expect';
export { FormatError, Refusal } from './errors';
export type { Errno } from './errors';
export type { Step } from './steps';
export { decodeRecords } from './format';
export type { DecodedRecord } from './format';
export { structOf, createRing, wrapRing } from './ring';
export type { Ring } from './ring';
export {
	maxEventData,
	pagesPerSubbuf,
	recordPayload,
	subbufCapacity,
	subbufOrderOf,
	subbufView
} from './geometry';
export type { SubbufView } from './geometry';
export type { Mapping, VmaPage } from './mapping';
export type { MetaFields } from './meta-page';
export { parseSubbuf, readMetaPage, takeHandedEvents } from './user-space';
export type { ConsumerCursor } from './user-space';
export { capturedPageState, capturedPayload, parseCapture, SUBBUF_SIZES } from './capture';
export type {
	Capture,
	CapturedSubbuf,
	CaptureOptions,
	CaptureProblem,
	CaptureResult
} from './capture';
