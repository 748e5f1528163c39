/**
 * Kernel constants of the tracing ring buffer, spelled as the kernel spells them so a learner can
 * search kernel/trace/ring_buffer.c and include/linux/ring_buffer.h for them.
 * Checked against the 6.10 - 6.18 sources (see ../shared/reference/kernel.md §1).
 */

/** Bytes of one system page. The sub-buffer size is PAGE_SIZE << subbuf_order. */
export const PAGE_SIZE = 4096;
/** Offset of `data[]` in `struct buffer_data_page` on a 64-bit kernel (time_stamp u64 + commit long). */
export const BUF_PAGE_HDR_SIZE = 16;
/** Offset of `array[]` in `struct ring_buffer_event`. */
export const RB_EVNT_HDR_SIZE = 4;
export const RB_ALIGNMENT = 4;
/** 4 on x86-64; 8 only with CONFIG_HAVE_64BIT_ALIGNED_ACCESS, which ringlab does not model. */
export const RB_ARCH_ALIGNMENT = 4;
export const RINGBUF_TYPE_DATA_TYPE_LEN_MAX = 28;
export const RB_MAX_SMALL_DATA = RB_ALIGNMENT * RINGBUF_TYPE_DATA_TYPE_LEN_MAX; // 112
export const RB_EVNT_MIN_SIZE = 8;
export const RB_LEN_TIME_EXTEND = 8;
export const RB_LEN_TIME_STAMP = 8;

export const RINGBUF_TYPE_DATA = 0;
export const RINGBUF_TYPE_PADDING = 29;
export const RINGBUF_TYPE_TIME_EXTEND = 30;
export const RINGBUF_TYPE_TIME_STAMP = 31;

export const TS_SHIFT = 27;
export const TS_MASK = (1 << TS_SHIFT) - 1;
/** 2^59: extended and absolute stamps hold 27 + 32 bits. */
export const TS_59 = 2 ** 59;

/** Index part of buffer_page.write and .entries (20 bits: a sub-buffer is at most 1 MiB). */
export const RB_WRITE_MASK = 0xfffff;
/** Added to the upper bits of write/entries when a writer moves onto a page. */
export const RB_WRITE_INTCNT = 1 << 20;

/** Commit word flag bits of a sub-buffer handed to a reader. */
export const RB_MISSED_EVENTS = 0x80000000;
export const RB_MISSED_STORED = 0x40000000;
export const RB_MISSED_MASK = 0xc0000000;

/** Flag bits in the low two bits of a page's list.next pointer. */
export const RB_PAGE_NORMAL = 0;
export const RB_PAGE_HEAD = 1;
export const RB_PAGE_UPDATE = 2;
export const RB_FLAG_MASK = 3;
/** Not stored: returned when a link no longer points where it was expected to. */
export const RB_PAGE_MOVED = 4;

/** Bit inside record_disabled set by ring_buffer_record_off (tracing_on = 0). */
export const RB_BUFFER_OFF = 1 << 20;
/** Size of the per-CPU event_stamp[] array: at most 5 nested writers. */
export const MAX_NEST = 5;

/** sizeof(struct trace_buffer_meta). */
export const META_STRUCT_LEN = 80;
/** TRACE_MMAP_IOCTL_GET_READER = _IO('R', 0x20). */
export const TRACE_MMAP_IOCTL_GET_READER = 0x5220;

/** Largest sub-buffer order the simulator accepts (1 MiB sub-buffers, RB_WRITE_MASK + 1). */
export const MAX_SUBBUF_ORDER = 8;

export const LINK_FLAG_NAMES = ['NORMAL', 'HEAD', 'UPDATE', 'MOVED', 'MOVED'] as const;
export type LinkFlagName = 'NORMAL' | 'HEAD' | 'UPDATE';
