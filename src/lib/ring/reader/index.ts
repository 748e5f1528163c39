// The readers of a per-CPU buffer. Export list only.
export { advanceReader, consumeTo, unreadEntries } from './advance';
export type { ConsumedEvent } from './event';
export { getReader, getReaderStepped } from './get-reader';
export type { GetReaderResult } from './get-reader';
export { perCpuEmpty } from './map-get-reader';
export * from './pc';
export { pageEvents } from './read-page';
export { READER_STEPS, READER_TABLE, stepReader } from './steps';
export { callGetReaderPage, USECS_WAIT } from './swap';
