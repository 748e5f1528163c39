/**
 * The kernel's times for the engine: every write of a kernel record matched to the event the
 * kernel showed for it (its time and its bytes), and an estimate for the writes whose event was
 * never seen (lost, dropped). Reads only the record.
 */
import { BUF_PAGE_HDR_SIZE } from '../lib/ring/constants';
import { decodeRecords } from '../lib/ring/format';
import type { KernelRecord, KernelWrite } from './record';

/** An Int32Array over a buffer's bytes (copied when the Buffer is not 4-byte aligned). */
export function int32View(b: Buffer): Int32Array {
	if (b.byteOffset % 4 === 0) return new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
	return new Int32Array(new Uint8Array(b).buffer, 0, b.byteLength >> 2);
}

interface ObservedEvent {
	ts: number;
	payload: Buffer;
	/** Read from trace_pipe's text (pipe.ts): no trace entry header but the pid; maybe cut. */
	text?: { pid: number; cut: boolean };
}

/** The events a consume read through trace_pipe, as observed events of `cpu`. */
function pipeEventsOf(st: KernelRecord['steps'][number]): { cpu: number; ev: ObservedEvent }[] {
	return (st.consumed ?? []).map((e) => ({
		cpu: st.cpu ?? 0,
		ev: {
			ts: e.ts,
			payload: Buffer.concat([Buffer.alloc(8), Buffer.from(e.body, 'hex')]),
			text: { pid: e.pid, cut: e.cut === true }
		}
	}));
}

/** Every data event in a sub-buffer, with its absolute time. */
function eventsOf(page: Buffer): ObservedEvent[] {
	const i32 = int32View(page);
	const ts0 = page.readUInt32LE(0) + page.readUInt32LE(4) * 2 ** 32;
	const size = page.readUInt32LE(8) & 0x07ffffff;
	if (size > page.length - BUF_PAGE_HDR_SIZE) return [];
	return decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, ts0)
		.filter((r) => r.kind === 'data')
		.map((r) => ({
			ts: r.ts,
			payload: page.subarray(
				BUF_PAGE_HDR_SIZE + r.dataOffset!,
				BUF_PAGE_HDR_SIZE + r.dataOffset! + r.dataLength!
			)
		}));
}

/** Slack around a write's CLOCK_MONOTONIC window when its event's time is placed in it, ns. */
const WINDOW_SLACK_NS = 2000;

/**
 * The offset between the trace clock and CLOCK_MONOTONIC when no event can be told apart by its
 * bytes (every write the same): each write that could be the first event seen proposes an offset,
 * and the one that puts the most events inside some write's window wins. Null with no event.
 */
function offsetByVote(observed: { ev: ObservedEvent; cands: Timed[] }[]): number | null {
	const first = observed[0];
	if (!first) return null;
	// The windows of each candidate list, by start (writes of one CPU never overlap in time).
	const sorted = new Map<Timed[], Timed[]>();
	for (const o of observed)
		if (!sorted.has(o.cands))
			sorted.set(
				o.cands,
				[...o.cands].sort((a, b) => a.w.t0 - b.w.t0)
			);
	const inWindow = (ts: number, cands: Timed[]) => {
		const ws = sorted.get(cands)!;
		let lo = 0;
		let hi = ws.length - 1;
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (ws[mid]!.w.t0 - WINDOW_SLACK_NS <= ts) lo = mid;
			else hi = mid - 1;
		}
		const w = ws[lo]!.w;
		return ts >= w.t0 - WINDOW_SLACK_NS && ts <= w.t1 + WINDOW_SLACK_NS;
	};
	let best: number | null = null;
	let bestScore = -1;
	for (const c of first.cands) {
		const off = first.ev.ts - (c.w.t0 + c.w.t1) / 2;
		let score = 0;
		for (const o of observed) if (inWindow(o.ev.ts - off, o.cands)) score++;
		if (score > bestScore) {
			bestScore = score;
			best = off;
		}
	}
	return best;
}

export interface Timed {
	w: KernelWrite;
	/** Kernel time of the event, or null when it was never seen. */
	ts: number | null;
	/** The event's data bytes as the kernel stored them (12-byte trace entry + id + data). */
	payload: Buffer | null;
}

/**
 * Gives every write its kernel time and event bytes: matched to the events the kernel showed (in
 * read pages, mapped reader pages and the final drain) by the bytes written and, among writes of
 * the same bytes, by the CLOCK_MONOTONIC readings around each write(2); the rest (lost,
 * dropped) get the CLOCK_MONOTONIC reading around their write(2) plus the median offset between
 * the two clocks, and the trace entry header of the events that were seen.
 */
export function timeWrites(rec: KernelRecord): { timed: Timed[]; estimated: number } {
	const timed: Timed[] = [];
	// By CPU and the 4-byte id: the event's data start with the bytes written, then up to 3
	// bytes of alignment slack that ring_buffer_event_length counts too.
	const byId = new Map<string, Timed[]>();
	for (const st of rec.steps)
		for (const w of st.writes ?? []) {
			const t: Timed = { w, ts: null, payload: null };
			timed.push(t);
			const key = `${w.cpu}:${w.data.slice(0, 8)}`;
			if (!byId.has(key)) byId.set(key, []);
			byId.get(key)!.push(t);
		}
	const shown: { cpu: number; ev: ObservedEvent }[] = [];
	for (const st of rec.steps) {
		const mapped = Object.entries(st.subbufs ?? {}).flatMap(([cpu, hexes]) =>
			hexes.map((hex) => ({ cpu: Number(cpu), hex }))
		);
		for (const p of [...(st.pages ?? []), ...(st.reader ? [st.reader] : []), ...mapped])
			for (const ev of eventsOf(Buffer.from(p.hex, 'hex'))) shown.push({ cpu: p.cpu, ev });
		shown.push(...pipeEventsOf(st));
	}
	// Events in pages first: trace_pipe prints no trace entry header (flags, preempt count), and an
	// event consumed through it can still be shown by the mapped reader page.
	shown.sort((a, b) => (a.ev.text ? 1 : 0) - (b.ev.text ? 1 : 0));
	// Every event the kernel showed, once (a mapped page is read again after each GET_READER),
	// with the writes whose bytes it carries.
	const seen = new Set<string>();
	const observed: { ev: ObservedEvent; cands: Timed[] }[] = [];
	for (const { cpu, ev } of shown) {
		if (ev.payload.length < 12) continue;
		const body = ev.payload.subarray(8).toString('hex');
		const key = `${cpu}:${ev.ts}:${body}`;
		if (seen.has(key)) continue;
		seen.add(key);
		const fits = (data: string) =>
			ev.text?.cut
				? data.startsWith(body) || body.startsWith(data)
				: body.startsWith(data) && body.length - data.length < 8;
		const cands = (byId.get(`${cpu}:${body.slice(0, 8)}`) ?? []).filter(
			(c) => c.w.ok && fits(c.w.data)
		);
		if (cands.length) observed.push({ ev, cands });
	}
	let header: Buffer | null = null;
	let pid: number | null = null;
	const fromText: Timed[] = [];
	const match = (t: Timed, ev: ObservedEvent) => {
		t.ts = ev.ts;
		if (ev.text) {
			// trace_pipe printed no trace entry header: it is filled in below.
			pid ??= ev.text.pid;
			fromText.push(t);
			return;
		}
		t.payload = Buffer.from(ev.payload.subarray(0, 8 + t.w.data.length / 2));
		header ??= t.payload.subarray(0, 8);
	};
	// First the events only one write can explain: they give the offset between the trace clock
	// and CLOCK_MONOTONIC (the median of ts - t0).
	for (const o of observed)
		if (o.cands.length === 1 && o.cands[0]!.ts === null) match(o.cands[0]!, o.ev);
	const offsets = timed
		.filter((t) => t.ts !== null)
		.map((t) => t.ts! - t.w.t0)
		.sort((a, b) => a - b);
	const offset = offsets.length ? offsets[offsets.length >> 1]! : offsetByVote(observed);
	// Then events that several writes with the same bytes could explain (a payload repeated 600
	// times): the unmatched write whose CLOCK_MONOTONIC window, moved by the offset, is nearest to
	// the event's time; without an offset, the first unmatched one.
	for (const o of observed) {
		if (o.cands.length === 1) continue;
		const free = o.cands.filter((c) => c.ts === null);
		if (!free.length) continue;
		const distance = (c: Timed) => {
			if (offset === null) return 0;
			const lo = c.w.t0 + offset;
			const hi = c.w.t1 + offset;
			return o.ev.ts < lo ? lo - o.ev.ts : o.ev.ts > hi ? o.ev.ts - hi : 0;
		};
		let best = free[0]!;
		for (const c of free) if (distance(c) < distance(best)) best = c;
		match(best, o.ev);
	}
	const median = offset ?? 0;
	let estimated = 0;
	let last = 0;
	const hdr = header ?? Buffer.from([19, 0, 0, 1, 0, 0, 0, 0]);
	if (!header && pid !== null) hdr.writeInt32LE(pid, 4);
	for (const t of fromText) t.payload = Buffer.concat([hdr, Buffer.from(t.w.data, 'hex')]);
	// An estimate stays between the known times around it (the engine's clock never goes back).
	const nextKnown: number[] = new Array<number>(timed.length);
	let next = Infinity;
	for (let i = timed.length - 1; i >= 0; i--) {
		nextKnown[i] = next;
		if (timed[i]!.ts !== null) next = timed[i]!.ts!;
	}
	timed.forEach((t, i) => {
		if (t.ts === null) {
			estimated++;
			const mid = t.w.t0 ? (t.w.t0 + t.w.t1) / 2 : last;
			t.ts = Math.min(nextKnown[i]!, Math.max(last, Math.round(mid + median)));
			t.payload = Buffer.concat([hdr, Buffer.from(t.w.data, 'hex')]);
		}
		last = Math.max(last, t.ts);
	});
	return { timed, estimated };
}
