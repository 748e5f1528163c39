/** What a consuming reader hands back. */

/** An event as a consuming reader returns it. */
export interface ConsumedEvent {
	ts: number;
	/** Data bytes as ring_buffer_event_length reports them (rounded up to 4), hex. */
	payload: string;
	/** Events lost before this one (the kernel's lost_events), 0 if none. */
	lost: number;
}
