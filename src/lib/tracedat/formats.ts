/**
 * The text files a trace.dat carries to describe the ring buffer and its events, as the kernel
 * prints them in tracefs: events/header_page (struct buffer_data_page), events/header_event (the
 * record header word) and an event's `format` file. Kernel: ring_buffer_print_page_header,
 * ring_buffer_print_entry_header, and the trace_events format printer (f_show).
 * Checked against Linux 6.18's tracefs.
 */
import {
	BUF_PAGE_HDR_SIZE,
	RINGBUF_TYPE_DATA_TYPE_LEN_MAX,
	RINGBUF_TYPE_PADDING,
	RINGBUF_TYPE_TIME_EXTEND,
	RINGBUF_TYPE_TIME_STAMP
} from '../ring/constants';

/** events/header_page of a 64-bit kernel whose sub-buffers are `subbufSize` bytes. */
export function headerPageText(subbufSize: number): string {
	return (
		'\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n' +
		'\tfield: local_t commit;\toffset:8;\tsize:8;\tsigned:1;\n' +
		'\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n' +
		`\tfield: char data;\toffset:${BUF_PAGE_HDR_SIZE};\tsize:${subbufSize - BUF_PAGE_HDR_SIZE};\tsigned:0;\n`
	);
}

/** events/header_event: the 32-bit record header and the special type_len values. */
export function headerEventText(): string {
	return (
		'# compressed entry header\n' +
		'\ttype_len    :    5 bits\n' +
		'\ttime_delta  :   27 bits\n' +
		'\tarray       :   32 bits\n' +
		'\n' +
		`\tpadding     : type == ${RINGBUF_TYPE_PADDING}\n` +
		`\ttime_extend : type == ${RINGBUF_TYPE_TIME_EXTEND}\n` +
		`\ttime_stamp : type == ${RINGBUF_TYPE_TIME_STAMP}\n` +
		`\tdata max type_len  == ${RINGBUF_TYPE_DATA_TYPE_LEN_MAX}\n`
	);
}

/** The system and name ringlab's events are filed under. */
export const RINGLAB_SYSTEM = 'ringlab';
export const RINGLAB_EVENT = 'payload';

/**
 * The id ringlab's events are read with. The engine writes a record's payload and nothing else
 * (no common_type, flags or pid before it, unlike a kernel event), so the format below declares
 * the common fields with size 0: libtraceevent then reads the type of every record as 0, the pid
 * as 0, and the payload starts at the record's first data byte, byte-exact with the engine.
 */
export const RINGLAB_EVENT_ID = 0;

/**
 * The format of ringlab's one event type: the payload's first four bytes as `id` (the sequence
 * number a `size` write starts with; what a trace_marker_raw write calls its id) and the rest as
 * `buf`, shown as a string (the filler a `size` write uses is lowercase letters).
 */
export function ringlabEventFormat(): string {
	return (
		`name: ${RINGLAB_EVENT}\n` +
		`ID: ${RINGLAB_EVENT_ID}\n` +
		'format:\n' +
		'\tfield:unsigned short common_type;\toffset:0;\tsize:0;\tsigned:0;\n' +
		'\tfield:unsigned char common_flags;\toffset:0;\tsize:0;\tsigned:0;\n' +
		'\tfield:unsigned char common_preempt_count;\toffset:0;\tsize:0;\tsigned:0;\n' +
		'\tfield:int common_pid;\toffset:0;\tsize:0;\tsigned:1;\n' +
		'\n' +
		'\tfield:unsigned int id;\toffset:0;\tsize:4;\tsigned:0;\n' +
		'\tfield:char buf[];\toffset:4;\tsize:0;\tsigned:0;\n' +
		'\n' +
		'print fmt: "id:%u %s", REC->id, REC->buf\n'
	);
}
