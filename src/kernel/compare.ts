/**
 * The differential comparison of `ringlab kernel diff`: feeds the kernel's own times and event
 * bytes back into the engine and checks that the engine, replaying the same operations, produces
 * the same sub-buffers byte for byte, the same meta page after every step while mapped, the same
 * counters (per_cpu/cpuN/stats) and the same refusals. The first difference names the step, the
 * byte offset and field, both values, and the kernel function the engine mirrors for that part.
 */
import { Simulation, type RingConfig, type StepResult } from '../lib/ring';
import { mappedBytes } from '../lib/ring/mapping';
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
import { timeWrites } from './timing';

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
}

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
	/** The engine's warnings during the kernel step being replayed. */
	let stepWarnings: string[] = [];
	const apply = (step: Record<string, unknown>): StepResult => {
		engineSteps++;
		const r = sim.apply(step);
		for (const w of r.warnings) stepWarnings.push(w.message);
		return r;
	};
	const add = (d: Difference) => diffs.push(d);
	/**
	 * Set when the kernel refused a step the engine accepted, or the reverse: from there on the
	 * two sides hold different states, so the comparison reports that step and stops.
	 */
	let diverged = false;
	const diverge = (d: Difference) => {
		add(d);
		diverged = true;
	};
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
		stepWarnings = [];
		try {
			replayStep(st);
		} catch (e) {
			// The engine could not replay what the kernel did: a difference, never a crash.
			diverge({
				step: st.index,
				op: st.op,
				what: 'replay',
				field: 'engine',
				kernel: st.ok ? 'ok' : (st.errno ?? 'refused'),
				engine: `threw: ${(e as Error).message}`,
				mirrors: `the engine's "${st.op}"`
			});
		}
		if (diverged) break;
		compareWarnings(st);
		compareState(st);
	}
	return { differences: diffs, estimated, engineSteps, markerRefused };

	function replayStep(st: KernelStep): void {
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
					if (want !== got) {
						diverge({
							step: st.index,
							op: 'write',
							what: `write ${wi}`,
							field: 'errno',
							kernel: w.errno ?? 'ok',
							engine: got ?? 'ok',
							mirrors: r.message ?? 'rb_move_tail / ring_buffer_lock_reserve'
						});
						break;
					}
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
	}

	function replayOther(st: KernelStep): void {
		const raw = scenarioStep(rec, st);
		if (!raw) return;
		const r0 = (() => {
			if (raw.op === 'unmap' && st.observer?.action === 'unmap') {
				const name = `__observer${st.observer.cpu}`;
				apply({ op: 'unmap', map: name });
			}
			return apply(raw);
		})();
		if (raw.op === 'map' && st.observer?.action === 'map')
			apply({
				op: 'map',
				cpu: st.observer.cpu,
				as: `__observer${st.observer.cpu}`,
				length: st.observer.length
			});
		const errno = st.ok ? undefined : st.errno;
		const want = kernelErrnoAsEngine(st.op, errno);
		const got = r0.ok ? undefined : r0.errno;
		if (want !== got) {
			diverge({
				step: st.index,
				op: st.op,
				what: 'result',
				field: 'errno',
				kernel: errno ?? 'ok',
				engine: got ?? 'ok',
				mirrors: r0.message ?? `the checks of "${st.op}"`
			});
			return;
		}
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

	/** The kernel WARN()ed in the step (warn_count rose) and the engine did not, or the reverse. */
	function compareWarnings(st: KernelStep): void {
		if (st.warnings === undefined) return; // a record made before warn_count was read
		if (st.warnings > 0 === stepWarnings.length > 0) return;
		add({
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
