// The Simulation facade and its types. Export list only.
export { Simulation } from './simulation';
export { generatedPayload } from './core';
export type { ContextInfo, SlotInfo, StepRecord, StepResult, Warning } from './core';
export type { Checkpoint } from './checkpoints';
