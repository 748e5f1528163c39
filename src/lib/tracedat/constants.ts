/**
 * Numbers of trace-cmd's data file (trace.dat) as trace-cmd 3.1 writes and reads them: the magic,
 * the file version, the option and section ids. Spelled as trace-cmd spells them
 * (lib/trace-cmd/include/private/trace-cmd-private.h, enum tracecmd_option_id) so they can be
 * searched for. Documentation: trace-cmd's Documentation/trace-cmd/trace-cmd.dat.v7.5.txt and
 * trace-cmd.dat.v6.5.txt.
 */

/** The first ten bytes of every trace.dat: 0x17 0x08 0x44 then "tracing". */
export const TRACE_DAT_MAGIC: readonly number[] = [
	0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67
];

/**
 * The version written: 7 (sections and options, "none" compression). trace-cmd 3.1
 * (Debian 12's 3.1.6) writes 7 by default (FILE_VERSION_DEFAULT) and reads 6 and 7.
 */
export const FILE_VERSION_WRITTEN = 7;
export const FILE_VERSION_MIN = 6;
export const FILE_VERSION_SECTIONS = 7;

/** Option ids; in version 7 the same numbers name the sections. */
export const TRACECMD_OPTION_DONE = 0;
export const TRACECMD_OPTION_DATE = 1;
export const TRACECMD_OPTION_CPUSTAT = 2;
export const TRACECMD_OPTION_BUFFER = 3;
export const TRACECMD_OPTION_TRACECLOCK = 4;
export const TRACECMD_OPTION_UNAME = 5;
export const TRACECMD_OPTION_CPUCOUNT = 8;
export const TRACECMD_OPTION_VERSION = 9;
export const TRACECMD_OPTION_STRINGS = 15;
export const TRACECMD_OPTION_HEADER_INFO = 16;
export const TRACECMD_OPTION_FTRACE_EVENTS = 17;
export const TRACECMD_OPTION_EVENT_FORMATS = 18;
export const TRACECMD_OPTION_KALLSYMS = 19;
export const TRACECMD_OPTION_PRINTK = 20;
export const TRACECMD_OPTION_CMDLINES = 21;
export const TRACECMD_OPTION_BUFFER_TEXT = 22;

/** Section flag: the section's data is compressed. */
export const TRACECMD_SEC_FL_COMPRESS = 1;

/** Bytes of a version 7 section header: id u16, flags u16, description string id u32, size u64. */
export const SECTION_HEADER_BYTES = 16;
