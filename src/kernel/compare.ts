/**
 * The differential comparison of `ringlab kernel diff`: feeds the kernel's own times and event
 * bytes back into the engine and checks that the engine, replaying the same operations, produces
 * the same sub-buffers byte for byte, the same meta page after every step while mapped, the same
 * counters (per_cpu/cpuN/stats) and the same refusals. The first difference names the step, the
 * byte offset and field, both values, and the kernel function the engine mirrors for that part.
 */
import { Simulation, type RingConfig, type StepResult } from '../lib/ring';
import { BUF_PAGE_HDR_SIZE } from '../lib/ring/constants';
import { decodeRecords } from '../lib/ring/format';
import { mappedBytes } from '../lib/ring/mapping';
import { META } from '../lib/ring/meta-page';
import { readerSubbuf } from '../lib/ring/user-space';
import {
	MARKER_MAX_WRITE,
	type KernelRecord,
	type KernelStats,
	type KernelStep,
	type KernelWrite
} from './runner';

export interface Difference {
	/** Scenario step index (steps.length = the final drain). */
	step: number;
	op: string;
	/** What was compared: "page 2 of CPU 0", "meta page of CPU 0", "stats of CPU 0", "errno". */
	what: string;
	/** Byte offset inside the sub-buffer or meta page, when bytes differ. */
	offset?: number;
	field: string;
	kernel: string;
	engine: string;
	/** The kernel function the engine mirrors for that part. */
	mirrors: string;
}

export interface DiffResult {
	differences: Difference[];
	/** Writes whose event the kernel never showed (lost or dropped): their times are estimated. */
	estimated: number;
	/** Engine steps replayed. */
	engineSteps: number;
	/** Writes trace_marker_raw refused for their length alone (not replayed on the engine). */
	markerRefused: number;
}

/** An Int32Array over a buffer's bytes (copied when the Buffer is not 4-byte aligned). */
function int32View(b: Buffer): Int32Array {
	if (b.byteOffset % 4 === 0) return new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
	return new Int32Array(new Uint8Array(b).buffer, 0, b.byteLength >> 2);
}

interface ObservedEvent {
	ts: number;
	payload: Buffer;
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

interface Timed {
	w: KernelWrite;
	/** Kernel time of the event, or null when it was never seen. */
	ts: number | null;
	/** The event's data bytes as the kernel stored them (12-byte trace entry + id + data). */
	payload: Buffer | null;
}

/**
 * Gives every write its kernel time and event bytes: matched to the events the kernel showed (in
 * read pages, mapped reader pages and the final drain) by the bytes written; the rest (lost,
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
	const pages: { cpu: number; hex: string }[] = [];
	for (const st of rec.steps) {
		pages.push(...(st.pages ?? []));
		if (st.reader) pages.push(st.reader);
	}
	let header: Buffer | null = null;
	for (const p of pages) {
		for (const ev of eventsOf(Buffer.from(p.hex, 'hex'))) {
			if (ev.payload.length < 12) continue;
			const body = ev.payload.subarray(8).toString('hex');
			const cands = (byId.get(`${p.cpu}:${body.slice(0, 8)}`) ?? []).filter(
				(c) => c.w.ok && body.startsWith(c.w.data) && body.length - c.w.data.length < 8
			);
			if (cands.some((t) => t.ts === ev.ts)) continue; // seen before (a mapped page re-read)
			const t = cands.find((c) => c.ts === null);
			if (!t) continue;
			t.ts = ev.ts;
			t.payload = Buffer.from(ev.payload.subarray(0, 8 + t.w.data.length / 2));
			header ??= t.payload.subarray(0, 8);
		}
	}
	const offsets = timed
		.filter((t) => t.ts !== null)
		.map((t) => t.ts! - t.w.t0)
		.sort((a, b) => a - b);
	const offset = offsets.length ? offsets[offsets.length >> 1]! : 0;
	let estimated = 0;
	let last = 0;
	const hdr = header ?? Buffer.from([19, 0, 0, 1, 0, 0, 0, 0]);
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
			t.ts = Math.min(nextKnown[i]!, Math.max(last, Math.round(mid + offset)));
			t.payload = Buffer.concat([hdr, Buffer.from(t.w.data, 'hex')]);
		}
		last = Math.max(last, t.ts);
	});
	return { timed, estimated };
}

const PAGE_MIRRORS = {
	time_stamp:
		'rb_update_event / __rb_reserve_next (first event on the page), ring_buffer_read_page (copied page: the read stamp)',
	commit: 'rb_set_commit_to_write (committed size), ring_buffer_read_page (real_end, RB_MISSED_EVENTS / RB_MISSED_STORED)',
	header: 'rb_update_event / rb_add_time_stamp (type_len, time_delta, time extend)',
	length: 'rb_update_event (array[0] of a large record), rb_calculate_event_length',
	payload: 'ring_buffer_write (the event data copied into the reservation)',
	padding: 'rb_reset_tail (end-of-page padding)',
	after: 'ring_buffer_read_page (missed-events count stored after the data, rest zeroed)'
} as const;

/** Names the field of a sub-buffer at byte `off`, from the kernel's copy of it. */
export function pageField(page: Buffer, off: number): { field: string; mirrors: string } {
	if (off < 8) return { field: 'time_stamp', mirrors: PAGE_MIRRORS.time_stamp };
	if (off < 16) return { field: 'commit', mirrors: PAGE_MIRRORS.commit };
	const i32 = int32View(page);
	const size = page.readUInt32LE(8) & 0x07ffffff;
	const end = Math.min(size, page.length - BUF_PAGE_HDR_SIZE);
	const d = off - BUF_PAGE_HDR_SIZE;
	if (d >= end) return { field: `data[${d}] after commit (${end})`, mirrors: PAGE_MIRRORS.after };
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, end, 0)) {
		if (d < r.offset || d >= r.offset + r.length) continue;
		const at = `record at data offset ${r.offset} (${r.kind}, type_len ${r.typeLen})`;
		if (d < r.offset + 4)
			return { field: `header word of the ${at}`, mirrors: PAGE_MIRRORS.header };
		if (r.kind === 'padding')
			return { field: `body of the ${at}`, mirrors: PAGE_MIRRORS.padding };
		if (r.kind !== 'data')
			return { field: `array[0] of the ${at}`, mirrors: PAGE_MIRRORS.header };
		if (d < r.dataOffset!)
			return { field: `length word of the ${at}`, mirrors: PAGE_MIRRORS.length };
		if (d < r.dataOffset! + r.dataLength!)
			return {
				field: `payload byte ${d - r.dataOffset!} of the ${at}`,
				mirrors: PAGE_MIRRORS.payload
			};
		return { field: `alignment slack of the ${at}`, mirrors: PAGE_MIRRORS.payload };
	}
	return { field: `data[${d}]`, mirrors: PAGE_MIRRORS.header };
}

/** End of a sub-buffer's meaningful bytes: header, committed data, the stored missed count. */
export function dataEnd(page: Buffer): number {
	const c = page.readUInt32LE(8);
	const size = c & 0x07ffffff;
	return Math.min(page.length, BUF_PAGE_HDR_SIZE + size + (c & 0x40000000 ? 8 : 0));
}

/**
 * A copy of a sub-buffer with its left-over bytes zeroed: bytes the kernel did not write for the
 * events on the page, so they hold whatever the page held before. They are the alignment slack
 * after each payload (`written` gives the payload length of a record from its CPU and id), the
 * bodies of padding records and, for a mapped page, everything past the data. `layout` (the
 * kernel's copy) says where the records are, so both sides are masked alike.
 */
export function maskLeftovers(
	page: Buffer,
	mapped: boolean,
	written: (payload: Buffer) => number | undefined,
	layout: Buffer = page
): Buffer {
	const out = Buffer.from(page);
	if (mapped) out.fill(0, dataEnd(layout));
	const i32 = int32View(layout);
	const size = Math.min(layout.readUInt32LE(8) & 0x07ffffff, layout.length - BUF_PAGE_HDR_SIZE);
	for (const r of decodeRecords(i32, BUF_PAGE_HDR_SIZE, 0, size, 0)) {
		const at = BUF_PAGE_HDR_SIZE + r.offset;
		if (r.kind === 'padding') out.fill(0, at + 8, at + r.length);
		if (r.kind !== 'data') continue;
		const start = BUF_PAGE_HDR_SIZE + r.dataOffset!;
		const len = written(layout.subarray(start, start + r.dataLength!));
		if (len !== undefined && len < r.dataLength!)
			out.fill(0, start + len, start + r.dataLength!);
	}
	return out;
}

function firstByteDiff(a: Buffer, b: Buffer): number {
	const n = Math.min(a.length, b.length);
	for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
	return a.length === b.length ? -1 : n;
}

function word(b: Buffer, off: number, n: number): string {
	return b.subarray(off, off + n).toString('hex') || '(none)';
}

const META_MIRRORS: Record<string, string> = {
	meta_page_size: 'rb_setup_ids_meta_page',
	meta_struct_len: 'rb_setup_ids_meta_page',
	subbuf_size: 'rb_setup_ids_meta_page',
	nr_subbufs: 'rb_setup_ids_meta_page',
	'reader.id': 'rb_update_meta_page (the reader page ID after ring_buffer_map_get_reader)',
	'reader.read': 'rb_update_meta_page (reader page read), ring_buffer_map_get_reader',
	'reader.lost_events': 'rb_update_meta_page'
};

const META_SIZE: Record<string, number> = {
	'reader.lost_events': 8,
	flags: 8,
	entries: 8,
	overrun: 8,
	read: 8,
	Reserved1: 8,
	Reserved2: 8
};

function metaField(off: number): string {
	let name = 'meta_page_size';
	for (const [k, o] of Object.entries(META)) if (off >= o) name = k;
	return name;
}

/** ringlab's counters, as per_cpu/cpuN/stats shows them (tracing_stats_read). */
export function statsFromCounters(c: Record<string, number>): KernelStats {
	return {
		entries: c.entries! - (c.overrun! + c.read!),
		overrun: c.overrun!,
		'commit overrun': c.commit_overrun!,
		bytes: c.entries_bytes! - c.read_bytes!,
		'dropped events': c.dropped_events!,
		'read events': c.read!
	};
}

const STATS_MIRRORS: Record<keyof KernelStats, string> = {
	entries:
		'ring_buffer_entries_cpu = entries - (overrun + read): rb_commit, rb_handle_head_page, rb_advance_reader',
	overrun: 'rb_handle_head_page (overrun += entries of the page pushed out)',
	'commit overrun': 'rb_move_tail (commit_overrun)',
	bytes: 'ring_buffer_bytes_cpu = entries_bytes - read_bytes: rb_update_event, rb_reset_tail, rb_handle_head_page, readers',
	'dropped events': 'rb_move_tail (producer/consumer mode: dropped_events)',
	'read events': 'rb_advance_reader, ring_buffer_read_page, ring_buffer_map_get_reader (read)'
};

/** Kernel errno of a refused step, as the engine names it (trace_marker_raw says EBADF). */
function kernelErrnoAsEngine(op: string, errno: string | undefined): string | undefined {
	if (op === 'write' && errno === 'EBADF') return 'EBUSY';
	return errno;
}

/**
 * Replays the kernel's record on the engine and returns every difference (the first one first).
 * `config` is the scenario's; the engine runs it with the live kernel's mapping layout (6.12).
 */
export function compareWithEngine(rec: KernelRecord, config: RingConfig): DiffResult {
	const { timed, estimated } = timeWrites(rec);
	const sim = new Simulation({ ...config, kernel: '6.12', clock: { startNs: 0, stepNs: 0 } });
	const diffs: Difference[] = [];
	let engineSteps = 0;
	let markerRefused = 0;
	let wi = 0;
	const names = new Map<string, string>(); // scenario mapping name -> engine name
	const apply = (step: Record<string, unknown>): StepResult => {
		engineSteps++;
		return sim.apply(step);
	};
	const add = (d: Difference) => diffs.push(d);
	const seenPages = new Map<number, number>();
	// Left-over bytes (see maskLeftovers) are not compared: they are what the page held before,
	// which depends on the reader's spare pages (one per open trace_pipe_raw file, swapped into
	// the ring by every whole-page read and zeroed past their commit when handed out) and on
	// events the kernel never showed, whose times are estimates. Neither is ring-buffer state.
	const shortest = new Map<string, number>();
	for (const t of timed) {
		const key = `${t.w.cpu}:${t.w.data.slice(0, 8)}`;
		const len = 8 + t.w.data.length / 2;
		shortest.set(key, Math.min(len, shortest.get(key) ?? len));
	}
	const comparePage = (
		st: KernelStep,
		cpu: number,
		what: string,
		kRaw: Buffer,
		eRaw: Buffer,
		mapped: boolean
	) => {
		const written = (p: Buffer) =>
			p.length >= 12
				? shortest.get(`${cpu}:${p.subarray(8, 12).toString('hex')}`)
				: undefined;
		const k = maskLeftovers(kRaw, mapped, written);
		const e = maskLeftovers(eRaw, mapped, written, kRaw);
		const off = firstByteDiff(k, e);
		if (off < 0) return;
		const f = pageField(k, off);
		const n = off < 16 ? 8 : 4;
		const o = off < 16 ? off & ~7 : off & ~3;
		add({
			step: st.index,
			op: st.op,
			what,
			offset: off,
			field: f.field,
			kernel: word(k, o, n),
			engine: word(e, o, n),
			mirrors: f.mirrors
		});
	};
	for (const st of rec.steps) {
		const readPages = (cpu: number, pages: { cpu: number; hex: string }[], empty: boolean) => {
			for (const p of pages) {
				if (p.cpu !== cpu) continue;
				const n = (seenPages.get(cpu) ?? 0) + 1;
				seenPages.set(cpu, n);
				const r = apply({ op: 'readPage', cpu });
				const k = Buffer.from(p.hex, 'hex');
				if (typeof r.page !== 'string') {
					add({
						step: st.index,
						op: st.op,
						what: `read ${n} of CPU ${cpu}`,
						field: 'sub-buffer',
						kernel: `${k.length} bytes`,
						engine: 'nothing to read',
						mirrors: 'ring_buffer_read_page / rb_get_reader_page'
					});
					continue;
				}
				comparePage(
					st,
					cpu,
					`read ${n} of CPU ${cpu} (trace_pipe_raw)`,
					k,
					Buffer.from(r.page, 'hex'),
					false
				);
			}
			if (empty) {
				const r = apply({ op: 'readPage', cpu });
				if (typeof r.page === 'string')
					add({
						step: st.index,
						op: st.op,
						what: `read of CPU ${cpu}`,
						field: 'sub-buffer',
						kernel: 'nothing to read (EAGAIN)',
						engine: `a page with commit ${Buffer.from(r.page, 'hex').readUInt32LE(8)}`,
						mirrors: 'ring_buffer_read_page / rb_get_reader_page (empty test)'
					});
			}
		};
		switch (st.op) {
			case 'write':
				for (const w of st.writes ?? []) {
					const t = timed[wi++]!;
					const len = w.data.length / 2;
					if (
						w.errno === 'EINVAL' &&
						len > MARKER_MAX_WRITE &&
						len + 8 <= sim.ring.L.capacity - 8
					) {
						markerRefused++; // tracefs refused it; the ring buffer would have taken it
						continue;
					}
					const r = apply({
						op: 'write',
						cpu: w.cpu,
						at: t.ts,
						payload: t.payload!.toString('hex')
					});
					const want = w.ok ? undefined : kernelErrnoAsEngine('write', w.errno);
					const got = r.ok ? undefined : r.errno;
					if (want !== got)
						add({
							step: st.index,
							op: 'write',
							what: `write ${wi}`,
							field: 'errno',
							kernel: w.errno ?? 'ok',
							engine: got ?? 'ok',
							mirrors: r.message ?? 'rb_move_tail / ring_buffer_lock_reserve'
						});
				}
				break;
			case 'consume':
			case 'readPage':
			case 'drain': {
				if (st.op === 'drain')
					for (let c = 0; c < rec.cpus; c++) readPages(c, st.pages ?? [], true);
				else readPages(st.cpu ?? 0, st.pages ?? [], st.empty === true);
				break;
			}
			default:
				replayOther(st);
		}
		compareState(st);
	}
	return { differences: diffs, estimated, engineSteps, markerRefused };

	function replayOther(st: KernelStep): void {
		const raw = scenarioStep(rec, st);
		if (!raw) return;
		const r0 = (() => {
			if (raw.op === 'unmap' && st.observer?.action === 'unmap') {
				const name = `__observer${st.observer.cpu}`;
				apply({ op: 'unmap', map: name });
			}
			if (raw.op === 'map') names.set(String(raw.as), String(raw.as));
			return apply(raw);
		})();
		if (raw.op === 'map' && st.observer?.action === 'map')
			apply({
				op: 'map',
				cpu: st.observer.cpu,
				as: `__observer${st.observer.cpu}`,
				length: st.observer.length
			});
		if (raw.op === 'map' && r0.ok === false) names.delete(String(raw.as));
		const errno = st.ok ? undefined : st.errno;
		const want = kernelErrnoAsEngine(st.op, errno);
		const got = r0.ok ? undefined : r0.errno;
		if (want !== got)
			diffs.push({
				step: st.index,
				op: st.op,
				what: 'result',
				field: 'errno',
				kernel: errno ?? 'ok',
				engine: got ?? 'ok',
				mirrors: r0.message ?? `the checks of "${st.op}"`
			});
		if (st.op === 'getReader' && st.reader && r0.ok) {
			const m = sim.maps.get(`__observer${st.reader.cpu}`);
			if (m) {
				const { bytes } = readerSubbuf(sim.ring, m, [...sim.maps.values()]);
				comparePage(
					st,
					st.reader.cpu,
					`reader sub-buffer (ID ${st.reader.id}) of CPU ${st.reader.cpu} through the mapping`,
					Buffer.from(st.reader.hex, 'hex'),
					Buffer.from(bytes),
					true
				);
			}
		}
		if ((st.op === 'readMeta' || st.op === 'readMapped') && st.result && r0.ok) {
			const a = JSON.stringify(st.result);
			const { ok: _o, warnings: _w, ...rest } = r0;
			void _o;
			void _w;
			const b = JSON.stringify(rest);
			if (a !== b)
				diffs.push({
					step: st.index,
					op: st.op,
					what: 'result',
					field: st.op,
					kernel: a,
					engine: b,
					mirrors:
						st.op === 'readMeta'
							? 'rb_update_meta_page'
							: 'the reader sub-buffer (ring_buffer_map_get_reader)'
				});
		}
	}

	function compareState(st: KernelStep): void {
		const state = sim.state();
		for (let c = 0; c < rec.cpus; c++) {
			const k = st.stats[c];
			if (!k) continue;
			const e = statsFromCounters(state.cpus[c]!.counters);
			for (const key of Object.keys(k) as (keyof KernelStats)[])
				if (k[key] !== e[key])
					add({
						step: st.index,
						op: st.op,
						what: `per_cpu/cpu${c}/stats`,
						field: key,
						kernel: String(k[key]),
						engine: String(e[key]),
						mirrors: STATS_MIRRORS[key]
					});
		}
		for (const [cpuS, hex] of Object.entries(st.meta)) {
			const cpu = Number(cpuS);
			const m = sim.maps.get(`__observer${cpu}`);
			const k = Buffer.from(hex, 'hex');
			if (!m) {
				add({
					step: st.index,
					op: st.op,
					what: `meta page of CPU ${cpu}`,
					field: 'mapping',
					kernel: 'mapped',
					engine: 'not mapped',
					mirrors: 'ring_buffer_map'
				});
				continue;
			}
			const e = Buffer.from(mappedBytes(sim.ring, m, 0, 80)!);
			const off = firstByteDiff(k, e);
			if (off < 0) continue;
			const field = metaField(off);
			const o = META[field as keyof typeof META];
			const n = META_SIZE[field] ?? 4;
			add({
				step: st.index,
				op: st.op,
				what: `meta page of CPU ${cpu}`,
				offset: off,
				field,
				kernel: word(k, o, n),
				engine: word(e, o, n),
				mirrors: META_MIRRORS[field] ?? 'rb_update_meta_page'
			});
		}
	}
}

/** The scenario step a kernel step replays. */
function scenarioStep(rec: KernelRecord, st: KernelStep): Record<string, unknown> | null {
	const step = rec.scenario.steps[st.index];
	if (!step) return null;
	const { expect: _e, ...bare } = step;
	void _e;
	return bare;
}

/** One line per difference, the first one in full. */
export function formatDifference(d: Difference): string {
	const at = d.offset !== undefined ? ` at byte ${d.offset}` : '';
	return `step ${d.step} (${d.op}): ${d.what}${at}, ${d.field}: kernel ${d.kernel}, engine ${d.engine} — the engine mirrors ${d.mirrors}`;
}
