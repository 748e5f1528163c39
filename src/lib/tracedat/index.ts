// trace-cmd's data file (trace.dat): writing a run's sub-buffers, reading a recording. Export list only.
export { encodeTraceDat } from './write';
export type { TraceDatInput } from './write';
export { drainedSubbufSize, drainSubbufs, simulationTraceDat } from './drain';
export {
	headerEventText,
	headerPageText,
	ringlabEventFormat,
	RINGLAB_EVENT,
	RINGLAB_EVENT_ID,
	RINGLAB_SYSTEM
} from './formats';
export { isTraceDat, parseTraceDat } from './read';
export type {
	TraceDat,
	TraceDatBuffer,
	TraceDatCpu,
	TraceDatProblem,
	TraceDatResult
} from './read';
export { decodeEvent, fieldText, parseEventFormat, recordType } from './event-format';
export type { DecodedEvent, EventFormat, FormatField } from './event-format';
