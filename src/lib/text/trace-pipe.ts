// Consumed events as trace_pipe lines, written once for the CLI (`ringlab run`, spec §3) and the
// page's event log: one line per event, and `CPU:N [LOST M EVENTS]` before the first event after a
// loss (kernel: print_trace_line; "[LOST EVENTS]" when the count is unknown). The kernel prints
// every byte of a raw event, and so does the CLI; the page's log elides long payloads.

/** One event as the engine's consume / readPage results give it. */
export interface TraceEvent {
	ts: number;
	/** Payload as hex. */
	payload: string;
	/** Events lost just before this one (consume), 0 if none. */
	lost: number;
}

/** Bytes of payload a line shows before it elides the rest. */
export const PAYLOAD_SHOWN = 8;

/** `ns` as seconds with nine decimals (the trace clock in ns). */
export function nsToSeconds(ns: number): string {
	const s = Math.floor(ns / 1e9);
	return `${s}.${String(ns - s * 1e9).padStart(9, '0')}`;
}

/** The loss line trace_pipe prints; `count` -1 means lost but not counted. */
export function lostLine(cpu: number, count: number): string {
	return count < 0 ? `CPU:${cpu} [LOST EVENTS]` : `CPU:${cpu} [LOST ${count} EVENTS]`;
}

/**
 * One event line: task, CPU, flags, time stamp, size and payload, elided after `shownBytes`
 * (`Infinity` prints every byte, as the CLI does).
 */
export function eventLine(
	cpu: number,
	e: Pick<TraceEvent, 'ts' | 'payload'>,
	shownBytes = PAYLOAD_SHOWN
): string {
	const bytes = e.payload.length / 2;
	const shown = bytes > shownBytes ? `${e.payload.slice(0, 2 * shownBytes)}…` : e.payload;
	const cpuField = String(cpu).padStart(3, '0');
	return `  ringlab-0 [${cpuField}] ..... ${nsToSeconds(e.ts)}: ${bytes} bytes ${shown}`;
}

/**
 * The lines for a batch of events read from `cpu`: `missed` (a page read's count, 0 if none)
 * comes first, then each event preceded by its own loss line; payloads as in `eventLine`.
 */
export function traceLines(
	cpu: number,
	events: readonly TraceEvent[],
	missed = 0,
	shownBytes = PAYLOAD_SHOWN
): string[] {
	const out: string[] = [];
	if (missed) out.push(lostLine(cpu, missed));
	for (const e of events) {
		if (e.lost) out.push(lostLine(cpu, e.lost));
		out.push(eventLine(cpu, e, shownBytes));
	}
	return out;
}

/** Bytes of a hex string, `perLine` to a line with their offset and ASCII, for a payload dump. */
export function hexDump(hex: string, perLine = 8): string[] {
	const lines: string[] = [];
	for (let i = 0; i < hex.length; i += 2 * perLine) {
		const bytes = hex.slice(i, i + 2 * perLine).match(/../g) ?? [];
		const ascii = bytes
			.map((b) => {
				const c = parseInt(b, 16);
				return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
			})
			.join('');
		const off = (i / 2).toString(16).padStart(4, '0');
		lines.push(`${off}  ${bytes.join(' ').padEnd(3 * perLine - 1)}  ${ascii}`);
	}
	return lines;
}
