/**
 * The differential comparison of `ringlab kernel diff`: feeds the kernel's own times and event
 * bytes back into the engine and checks that the engine, replaying the same operations, produces
 * the same sub-buffers byte for byte, the same meta page after every step while mapped, the same
 * counters (per_cpu/cpuN/stats) and the same refusals. The first difference names the step, the
 * byte offset and field, both values, and the kernel function the engine mirrors for that part.
 */
import { Simulation, type RingConfig, type StepResult } from '../lib/ring';
import type { ConsumedEvent } from '../lib/ring/reader/event';
import { mappedBytes, subbufOffsetIn } from '../lib/ring/mapping';
import { BUF_PAGE_HDR_SIZE, META_STRUCT_LEN } from '../lib/ring/constants';
import { META } from '../lib/ring/meta-page';
import { readerSubbuf } from '../lib/ring/user-space';
import {
	firstByteDiff,
	maskLeftovers,
	META_MIRRORS,
	META_SIZE,
	metaField,
	pageField,
	statsFromCounters,
	STATS_MIRRORS,
	word
} from './fields';
import { MARKER_MAX_WRITE, type KernelRecord, type KernelStats, type KernelStep } from './record';
import type { PipeEvent } from './pipe';
import { timeWrites, type Timed } from './timing';

export { dataEnd, maskLeftovers, pageField, statsFromCounters } from './fields';
export { timeWrites } from './timing';

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
	/** Bytes that differed but are not comparable, each with the reason (`# not compared:`). */
	notCompared: string[];
}

/**
 * Why the time_stamp of an empty reader sub-buffer is not compared (issue #16 item 4): it is a
 * left-over of whichever page sits there. A page ring_buffer_read_page handed out comes back as
 * the reader file's spare page and is later swapped into the ring; a reset clears a page's commit
 * but not its time_stamp. The engine keeps each sub-buffer in place and has no spare pages.
 */
export const SPARE_PAGE_STAMP =
	"no event is on it, so its time_stamp is a left-over of the page that sits there (the kernel swaps the reader file's spare page into the ring and reset keeps a page's time_stamp; the engine has no spare pages, docs/design.md)";

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
	const replay = new EngineReplay(rec, config);
	for (const st of rec.steps) {
		replay.replay(st);
		if (replay.diverged) break;
		replay.compareWarnings(st);
		replay.compareStats(st);
		replay.compareMeta(st);
		replay.compareSubbufs(st);
	}
	return replay.result();
}

/** The engine replaying one kernel record, and the differences found so far. */
class EngineReplay {
	private readonly sim: Simulation;
	private readonly timed: Timed[];
	private readonly estimated: number;
	private readonly diffs: Difference[] = [];
	private engineSteps = 0;
	private markerRefused = 0;
	private readonly notCompared: string[] = [];
	/** Index of the next kernel write in `timed`. */
	private wi = 0;
	/** The engine's warnings during the kernel step being replayed. */
	private stepWarnings: string[] = [];
	/**
	 * Set when the kernel refused a step the engine accepted, or the reverse: from there on the
	 * two sides hold different states, so the comparison reports that step and stops.
	 */
	diverged = false;
	/** Sub-buffers read so far, by CPU (to name "read n of CPU c"). */
	private readonly seenPages = new Map<number, number>();
	/** Shortest write by CPU and first payload word (see maskLeftovers). */
	private readonly shortest: Map<string, number>;

	constructor(
		private readonly rec: KernelRecord,
		config: RingConfig
	) {
		const { timed, estimated } = timeWrites(rec);
		this.timed = timed;
		this.estimated = estimated;
		this.sim = new Simulation({ ...config, kernel: '6.12', clock: { startNs: 0, stepNs: 0 } });
		this.shortest = shortestWrites(timed);
	}

	result(): DiffResult {
		const { diffs: differences, estimated, engineSteps, markerRefused, notCompared } = this;
		return { differences, estimated, engineSteps, markerRefused, notCompared };
	}

	private apply(step: Record<string, unknown>): StepResult {
		this.engineSteps++;
		const r = this.sim.apply(step);
		for (const w of r.warnings) this.stepWarnings.push(w.message);
		return r;
	}

	private add(d: Difference): void {
		this.diffs.push(d);
	}

	private diverge(d: Difference): void {
		this.add(d);
		this.diverged = true;
	}

	/** Replays one kernel step; an engine that throws is a difference, never a crash. */
	replay(st: KernelStep): void {
		this.stepWarnings = [];
		try {
			this.replayStep(st);
		} catch (e) {
			this.diverge({
				step: st.index,
				op: st.op,
				what: 'replay',
				field: 'engine',
				kernel: st.ok ? 'ok' : (st.errno ?? 'refused'),
				engine: `threw: ${(e as Error).message}`,
				mirrors: `the engine's "${st.op}"`
			});
		}
	}

	private replayStep(st: KernelStep): void {
		switch (st.op) {
			case 'write':
				return this.replayWrites(st);
			case 'drain':
				for (let c = 0; c < this.rec.cpus; c++) this.readPages(st, c, true);
				return;
			case 'consume':
				if (st.consumed) return this.consumeEvents(st, st.consumed);
				return this.readPages(st, st.cpu ?? 0, st.empty === true);
			case 'readPage':
				return this.readPages(st, st.cpu ?? 0, st.empty === true);
			default:
				return this.replayOther(st);
		}
	}

	/** Compares the kernel's sub-buffer with the engine's, left-over bytes masked. */
	private comparePage(
		st: KernelStep,
		cpu: number,
		what: string,
		kRaw: Buffer,
		eRaw: Buffer,
		mapped: boolean
	): void {
		const written = (p: Buffer) =>
			p.length >= 12
				? this.shortest.get(`${cpu}:${p.subarray(8, 12).toString('hex')}`)
				: undefined;
		const k = maskLeftovers(kRaw, mapped, written);
		const e = maskLeftovers(eRaw, mapped, written, kRaw);
		if (mapped && (kRaw.readUInt32LE(8) & 0x07ffffff) === 0 && e.length >= 8) {
			const [ks, es] = [word(k, 0, 8), word(e, 0, 8)];
			if (ks !== es)
				this.notCompared.push(
					`step ${st.index} (${st.op}): ${what}, time_stamp (kernel ${ks}, engine ${es}): ${SPARE_PAGE_STAMP}`
				);
			k.copy(e, 0, 0, 8);
		}
		const off = firstByteDiff(k, e);
		if (off < 0) return;
		const f = pageField(k, off);
		const n = off < BUF_PAGE_HDR_SIZE ? 8 : 4;
		const o = off < BUF_PAGE_HDR_SIZE ? off & ~7 : off & ~3;
		this.add({
			step: st.index,
			op: st.op,
			what,
			offset: off,
			field: f.field,
			kernel: word(k, o, n),
			engine: word(e, o, n),
			mirrors: f.mirrors
		});
	}

	/** Reads on the engine each sub-buffer the kernel read from `cpu`, and compares them. */
	private readPages(st: KernelStep, cpu: number, empty: boolean): void {
		for (const p of st.pages ?? []) if (p.cpu === cpu) this.readPage(st, cpu, p.hex);
		if (!empty) return;
		const r = this.apply({ op: 'readPage', cpu });
		if (typeof r.page === 'string')
			this.add({
				step: st.index,
				op: st.op,
				what: `read of CPU ${cpu}`,
				field: 'sub-buffer',
				kernel: 'nothing to read (EAGAIN)',
				engine: `a page with commit ${Buffer.from(r.page, 'hex').readUInt32LE(8)}`,
				mirrors: 'ring_buffer_read_page / rb_get_reader_page (empty test)'
			});
	}

	private readPage(st: KernelStep, cpu: number, hex: string): void {
		const n = (this.seenPages.get(cpu) ?? 0) + 1;
		this.seenPages.set(cpu, n);
		const r = this.apply({ op: 'readPage', cpu });
		const k = Buffer.from(hex, 'hex');
		if (typeof r.page !== 'string') {
			this.add({
				step: st.index,
				op: st.op,
				what: `read ${n} of CPU ${cpu}`,
				field: 'sub-buffer',
				kernel: `${k.length} bytes`,
				engine: 'nothing to read',
				mirrors: 'ring_buffer_read_page / rb_get_reader_page'
			});
			return;
		}
		const what = `read ${n} of CPU ${cpu} (trace_pipe_raw)`;
		this.comparePage(st, cpu, what, k, Buffer.from(r.page, 'hex'), false);
	}

	/**
	 * A consume the kernel made through trace_pipe: the engine's ring_buffer_consume with the
	 * scenario's count, event by event (time, id and data bytes, events lost before it).
	 */
	private consumeEvents(st: KernelStep, kernel: PipeEvent[]): void {
		const cpu = st.cpu ?? 0;
		const count = scenarioStep(this.rec, st)?.count;
		const r = this.apply({ op: 'consume', cpu, ...(count !== undefined ? { count } : {}) });
		const engine = (r.events ?? []) as ConsumedEvent[];
		const mirrors = 'ring_buffer_consume / rb_buffer_peek (trace_pipe)';
		const n = Math.max(kernel.length, engine.length);
		for (let i = 0; i < n; i++) {
			const k = kernel[i];
			const e = engine[i];
			const what = `event ${i + 1} consumed from CPU ${cpu} (trace_pipe)`;
			if (!k || !e) {
				this.add({
					step: st.index,
					op: st.op,
					what,
					field: 'event',
					kernel: k ? `at ${k.ts}` : `none (${kernel.length} consumed)`,
					engine: e ? `at ${e.ts}` : `none (${engine.length} consumed)`,
					mirrors:
						'ring_buffer_consume / ring_buffer_empty_cpu (the emptiness test trace_pipe asks first)'
				});
				return;
			}
			// The alignment slack after the bytes written is a left-over (maskLeftovers): compared
			// up to the shortest write with this id.
			const written = this.shortest.get(`${cpu}:${k.body.slice(0, 8)}`);
			const upTo = (h: string) => (written === undefined ? h : h.slice(0, 2 * (written - 8)));
			const body = upTo(e.payload.slice(16));
			const kBody = upTo(k.body);
			const sameBody = k.cut ? body.startsWith(kBody) : body === kBody;
			const fields: [string, string, string][] = [
				['ts', String(k.ts), String(e.ts)],
				['id and data', kBody, sameBody ? kBody : body],
				['lost events', String(k.lost ?? 0), String(k.lost === -1 ? -1 : e.lost)]
			];
			for (const [field, kv, ev] of fields)
				if (kv !== ev) {
					this.add({
						step: st.index,
						op: st.op,
						what,
						field,
						kernel: kv,
						engine: ev,
						mirrors
					});
					return;
				}
		}
	}

	/** Writes each kernel event at the kernel's time; stops at the first differing refusal. */
	private replayWrites(st: KernelStep): void {
		for (const w of st.writes ?? []) {
			const t = this.timed[this.wi++]!;
			const len = w.data.length / 2;
			const capacity = this.sim.ring.L.capacity;
			if (w.errno === 'EINVAL' && len > MARKER_MAX_WRITE && len + 8 <= capacity - 8) {
				this.markerRefused++; // tracefs refused it; the ring buffer would have taken it
				continue;
			}
			const payload = t.payload!.toString('hex');
			const r = this.apply({ op: 'write', cpu: w.cpu, at: t.ts, payload });
			const want = w.ok ? undefined : kernelErrnoAsEngine('write', w.errno);
			const got = r.ok ? undefined : r.errno;
			if (want === got) continue;
			this.diverge({
				step: st.index,
				op: 'write',
				what: `write ${this.wi}`,
				field: 'errno',
				kernel: w.errno ?? 'ok',
				engine: got ?? 'ok',
				mirrors: r.message ?? 'rb_move_tail / ring_buffer_lock_reserve'
			});
			return;
		}
	}

	/** Any other op: the scenario's own step, with the runner's observer mapped around it. */
	private replayOther(st: KernelStep): void {
		const raw = scenarioStep(this.rec, st);
		if (!raw) return;
		const r = this.applyObserved(st, raw);
		const errno = st.ok ? undefined : st.errno;
		const want = kernelErrnoAsEngine(st.op, errno);
		const got = r.ok ? undefined : r.errno;
		if (want !== got) {
			this.diverge({
				step: st.index,
				op: st.op,
				what: 'result',
				field: 'errno',
				kernel: errno ?? 'ok',
				engine: got ?? 'ok',
				mirrors: r.message ?? `the checks of "${st.op}"`
			});
			return;
		}
		if (!r.ok) return;
		if (st.op === 'getReader' && st.reader) this.compareReader(st, st.reader);
		if ((st.op === 'readMeta' || st.op === 'readMapped') && st.result)
			this.compareResult(st, st.result, r);
	}

	/** Applies `raw`, unmapping the observer before the CPU's last unmap, mapping it after a map. */
	private applyObserved(st: KernelStep, raw: Record<string, unknown>): StepResult {
		if (raw.op === 'unmap' && st.observer?.action === 'unmap')
			this.apply({ op: 'unmap', map: `__observer${st.observer.cpu}` });
		const r = this.apply(raw);
		if (raw.op === 'map' && st.observer?.action === 'map')
			this.apply({
				op: 'map',
				cpu: st.observer.cpu,
				as: `__observer${st.observer.cpu}`,
				length: st.observer.length
			});
		return r;
	}

	/** The reader sub-buffer after a GET_READER, through the observer mapping. */
	private compareReader(st: KernelStep, reader: NonNullable<KernelStep['reader']>): void {
		const m = this.sim.maps.get(`__observer${reader.cpu}`);
		if (!m) return;
		const { bytes } = readerSubbuf(this.sim.ring, m, [...this.sim.maps.values()]);
		this.comparePage(
			st,
			reader.cpu,
			`reader sub-buffer (ID ${reader.id}) of CPU ${reader.cpu} through the mapping`,
			Buffer.from(reader.hex, 'hex'),
			Buffer.from(bytes),
			true
		);
	}

	/** What readMeta / readMapped returned, compared as JSON. */
	private compareResult(st: KernelStep, result: Record<string, unknown>, r: StepResult): void {
		const a = JSON.stringify(result);
		const { ok: _o, warnings: _w, ...rest } = r;
		void _o;
		void _w;
		const b = JSON.stringify(rest);
		if (a === b) return;
		this.add({
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

	/** The kernel WARN()ed in the step (warn_count rose) and the engine did not, or the reverse. */
	compareWarnings(st: KernelStep): void {
		if (st.warnings === undefined) return; // a record made before warn_count was read
		const { stepWarnings } = this;
		if (st.warnings > 0 === stepWarnings.length > 0) return;
		this.add({
			step: st.index,
			op: st.op,
			what: 'warnings',
			field: 'WARN',
			kernel: st.warnings > 0 ? `warn_count rose by ${st.warnings}` : 'no WARN',
			engine: stepWarnings.length ? stepWarnings.join('; ') : 'no warning',
			mirrors: stepWarnings.length
				? 'the WARN_ON the engine reported'
				: 'the WARN()s of the kernel function replayed'
		});
	}

	/** per_cpu/cpuN/stats after the step against the engine's counters. */
	compareStats(st: KernelStep): void {
		const state = this.sim.state();
		for (let c = 0; c < this.rec.cpus; c++) {
			const k = st.stats[c];
			if (!k) continue;
			const e = statsFromCounters(state.cpus[c]!.counters);
			for (const key of Object.keys(k) as (keyof KernelStats)[])
				if (k[key] !== e[key])
					this.add({
						step: st.index,
						op: st.op,
						what: `per_cpu/cpu${c}/stats`,
						field: key,
						kernel: String(k[key]),
						engine: String(e[key]),
						mirrors: STATS_MIRRORS[key]
					});
		}
	}

	/** Every sub-buffer of every CPU the kernel had mapped after the step (issue #16 item 7). */
	compareSubbufs(st: KernelStep): void {
		for (const [cpuS, pages] of Object.entries(st.subbufs ?? {})) {
			const cpu = Number(cpuS);
			const m = this.sim.maps.get(`__observer${cpu}`);
			if (!m) continue; // compareMeta reports it
			const size = this.sim.ring.L.subbufSize;
			pages.forEach((hex, id) => {
				const at = subbufOffsetIn(this.sim.ring, m, id);
				const what = `sub-buffer ID ${id} of CPU ${cpu} through the mapping`;
				if (at < 0)
					return this.add({
						step: st.index,
						op: st.op,
						what,
						field: 'mapping',
						kernel: 'mapped',
						engine: 'not covered',
						mirrors: 'ring_buffer_map / __rb_map_vma'
					});
				const e = Buffer.from(mappedBytes(this.sim.ring, m, at, size)!);
				this.comparePage(st, cpu, what, Buffer.from(hex, 'hex'), e, true);
			});
		}
	}

	/** The meta page of every CPU the kernel had mapped after the step. */
	compareMeta(st: KernelStep): void {
		for (const [cpuS, hex] of Object.entries(st.meta)) {
			const cpu = Number(cpuS);
			const m = this.sim.maps.get(`__observer${cpu}`);
			if (!m) {
				this.add({
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
			const k = Buffer.from(hex, 'hex');
			const e = Buffer.from(mappedBytes(this.sim.ring, m, 0, META_STRUCT_LEN)!);
			const off = firstByteDiff(k, e);
			if (off < 0) continue;
			const field = metaField(off);
			const o = META[field as keyof typeof META];
			const n = META_SIZE[field] ?? 4;
			this.add({
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

/**
 * The shortest write by CPU and first payload word. Left-over bytes (see maskLeftovers) are not
 * compared: they are what the page held before, which depends on the reader's spare pages (one
 * per open trace_pipe_raw file, swapped into the ring by every whole-page read and zeroed past
 * their commit when handed out) and on events the kernel never showed, whose times are
 * estimates. Neither is ring-buffer state.
 */
function shortestWrites(timed: Timed[]): Map<string, number> {
	const shortest = new Map<string, number>();
	for (const t of timed) {
		const key = `${t.w.cpu}:${t.w.data.slice(0, 8)}`;
		const len = 8 + t.w.data.length / 2;
		shortest.set(key, Math.min(len, shortest.get(key) ?? len));
	}
	return shortest;
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
