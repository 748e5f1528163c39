/**
 * The control block shared by engine-cross.ts and its worker (int32 words, each on its own
 * 64-byte line): done flag, events written, pages finished (the reader sleeps on it), the
 * reader's "asleep" flag, a word the paced writer sleeps on. Measures nothing.
 */
/** int32 words of the control block, each on its own 64-byte line. */
export const CTL_DONE = 0;
export const CTL_WRITTEN = 16;
export const CTL_PAGES = 32;
export const CTL_READER_SLEEPS = 48;
export const CTL_WRITER_WAITS = 64;
export const CTL_BYTES = 68 * 4;
