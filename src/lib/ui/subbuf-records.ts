// What the inspector shows of one sub-buffer of the live buffer: its records, and a data record's
// payload as hex. Read from the engine's state in place, so it can be late while writers write.
import {
	pageRecords,
	recordPayload,
	structOf,
	subbufView,
	type DecodedRecord,
	type Ring,
	type RingState
} from '$lib/ring';
import { hex } from '$lib/text/hex';

/** The records of page `page` of `cpu`, from 0 to its commit ([] for a page `state` lacks). */
export function subbufRecords(
	ring: Ring,
	state: RingState,
	cpu: number,
	page: number
): DecodedRecord[] {
	if (!state.cpus[cpu]?.pages[page]) return [];
	return pageRecords(ring, structOf(ring, 0, cpu), page);
}

/**
 * The payload of a data record as hex, or null when the bytes cannot be located safely: the
 * sub-buffer's header in the state must still match the one `state` describes (it can be late).
 */
export function payloadHex(
	ring: Ring,
	state: RingState,
	cpu: number,
	page: number,
	record: DecodedRecord
): string | null {
	const known = state.cpus[cpu]?.pages[page];
	if (!known) return null;
	const sub = subbufView(ring, cpu, page);
	if (sub.timeStamp !== known.timeStamp || sub.commit !== known.commit) return null;
	const bytes = recordPayload(sub.bytes, record);
	return bytes && hex(bytes);
}
