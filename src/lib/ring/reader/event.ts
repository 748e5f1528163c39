/** What a consuming reader hands back, and the hex text of its payloads. */

/** An event as a consuming reader returns it. */
export interface ConsumedEvent {
	ts: number;
	/** Data bytes as ring_buffer_event_length reports them (rounded up to 4), hex. */
	payload: string;
	/** Events lost before this one (the kernel's lost_events), 0 if none. */
	lost: number;
}

export function hex(u8: Uint8Array, off: number, len: number): string {
	let s = '';
	for (let i = 0; i < len; i++) s += u8[off + i]!.toString(16).padStart(2, '0');
	return s;
}
