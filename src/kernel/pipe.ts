/**
 * `consume` on the live kernel: per_cpu/cpuN/trace_pipe with options/raw set on the instance, one
 * event per read. A read of 1 byte makes tracing_read_pipe print and consume one event
 * (ring_buffer_consume) and keep the rest of its text, which the next read hands over whole. In
 * the raw format a trace_marker_raw event is `PID CPU TS # ID buf: XX XX ...` (TS in ns, ID the
 * 4-byte id in hex, then every data byte, alignment slack included), preceded by
 * `CPU:N [LOST N EVENTS]` when events were lost before it. A line longer than trace_pipe's
 * sequence buffer (8 KiB) is cut: its bytes are then a prefix.
 */
import { isError, type Helper } from './helper';

/** One event consumed through trace_pipe. */
export interface PipeEvent {
	pid: number;
	ts: number;
	/** The 4-byte id and the data bytes as written to the ring (hex). */
	body: string;
	/** The line was cut: `body` is a prefix. */
	cut?: boolean;
	/** Events lost before it (`[LOST N EVENTS]`); -1 when the kernel did not know how many. */
	lost?: number;
}

const LINE = /^(\d+) (\d+) (\d+) # ([0-9a-f]+) buf:((?: [0-9a-f]{2})*)/;
const LOST = /^CPU:\d+ \[LOST(?: (\d+))? EVENTS\]$/;

/** Parses the text of one consumed event, or throws naming what it could not read. */
export function parsePipeEvent(text: string): PipeEvent {
	const lines = text.split('\n');
	let lost: number | undefined;
	const l0 = LOST.exec(lines[0]!);
	if (l0) {
		lost = l0[1] === undefined ? -1 : Number(l0[1]);
		lines.shift();
	}
	const line = lines[0] ?? '';
	const m = LINE.exec(line);
	if (!m)
		throw new Error(`trace_pipe printed a line the runner cannot read: ${line.slice(0, 80)}`);
	const id = Number.parseInt(m[4]!, 16) >>> 0;
	const idHex = Buffer.alloc(4);
	idHex.writeUInt32LE(id);
	const ev: PipeEvent = {
		pid: Number(m[1]),
		ts: Number(m[3]),
		body: idHex.toString('hex') + m[5]!.replace(/ /g, '')
	};
	if (!text.endsWith('\n') || m[0].length !== line.length) ev.cut = true;
	if (lost !== undefined) ev.lost = lost;
	return ev;
}

/**
 * Consumes up to `want` events of `cpu` through the open trace_pipe `file`. Returns the events and
 * whether the last read found nothing (EAGAIN), or the errno of a failed read.
 */
export async function consumeThroughPipe(
	helper: Helper,
	file: string,
	want: number
): Promise<{ events: PipeEvent[]; empty: boolean; errno?: string }> {
	const events: PipeEvent[] = [];
	while (events.length < want) {
		const r = await helper.call(`read ${file} 1`);
		if (isError(r))
			return r.name === 'EAGAIN'
				? { events, empty: true }
				: { events, empty: true, errno: r.name };
		if (Number(r[0]) === 0) return { events, empty: true };
		const rest = await helper.call(`read ${file} 65536`);
		const tail = isError(rest) ? '' : (rest[1] ?? '');
		events.push(parsePipeEvent(Buffer.from((r[1] ?? '') + tail, 'hex').toString('latin1')));
	}
	return { events, empty: false };
}
