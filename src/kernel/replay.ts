/**
 * How `ringlab kernel run` replays each scenario op on the live kernel: one handler per op (the
 * REPLAY table), each filling the step's record; KernelRun (runner.ts) holds the run's files,
 * mappings and geometry. docs/design.md, "How each op is replayed", says what each one does.
 */
import type { Step } from '../lib/ring';
import { META_STRUCT_LEN, PAGE_SIZE } from '../lib/ring/constants';
import { parseMeta } from '../lib/ring/meta-page';
import { parseSubbuf } from '../lib/ring/user-space';
import { isError } from './helper';
import { hexOf, kbFor, markerBytes, type KernelStep, type KernelWrite } from './record';
import type { KernelRun } from './runner';

/** KiB of a sub-buffer of `order` (what buffer_subbuf_size_kb takes). */
export function subbufKb(order: number): number {
	return (PAGE_SIZE / 1024) * 2 ** order;
}

/** Records a refusal of the step. */
function fail(rec: KernelStep, errno: string): void {
	rec.ok = false;
	rec.errno = errno;
}

/** The step of scenario op `K`. */
export type StepOf<K extends Step['op']> = Extract<Step, { op: K }>;
/** Replays one scenario step on the kernel, filling its record. */
export type ReplayHandler<S extends Step> = (
	run: KernelRun,
	st: S,
	rec: KernelStep
) => Promise<void> | void;

/** Pins the helper to the step's CPU, then writes each event to trace_marker_raw. */
async function replayWrite(run: KernelRun, st: StepOf<'write'>, rec: KernelStep): Promise<void> {
	const writes: KernelWrite[] = (rec.writes = []);
	await run.pin(st.cpu);
	for (let i = 0; i < (st.repeat ?? 1); i++) {
		if (st.deltaNs !== undefined) await run.sleep(st.deltaNs);
		const data =
			st.payload !== undefined ? st.payload : hexOf(markerBytes(st.size ?? 0, run.nextSeq()));
		const r = await run.helper.call(`write ${data}`);
		const w: KernelWrite = { cpu: st.cpu, data, ok: !isError(r), t0: 0, t1: 0 };
		if (isError(r)) {
			w.errno = r.name;
			w.t0 = Number(r.rest[0] ?? 0);
			w.t1 = Number(r.rest[1] ?? 0);
			fail(rec, r.name);
		} else {
			w.t0 = Number(r[1]);
			w.t1 = Number(r[2]);
		}
		writes.push(w);
	}
}

/** Opens the CPU's trace_pipe_raw and maps it; the first mapping of a CPU adds the observer. */
async function replayMap(run: KernelRun, st: StepOf<'map'>, rec: KernelStep): Promise<void> {
	if (run.maps.has(st.as)) {
		// ringlab's own check (a mapping is named in a scenario): the engine answers EINVAL
		// before it asks the kernel, so the runner does too.
		fail(rec, 'EINVAL');
		return;
	}
	const key = `m${run.nextMap++}`;
	const offset = st.offset ?? 0;
	const length = st.length ?? run.metaPageSize;
	await run.helper.must(`open f${key} per_cpu/cpu${st.cpu}/trace_pipe_raw ${st.open ?? 'r'}`);
	const r = await run.helper.call(
		`mmap ${key} f${key} ${offset} ${length} ${st.prot ?? 'r'} ${st.flags ?? 'shared'}`
	);
	if (isError(r)) {
		await run.helper.must(`close f${key}`);
		fail(rec, r.name);
		return;
	}
	run.maps.set(st.as, { cpu: st.cpu, key, pgoff: offset / PAGE_SIZE, length });
	if (!run.observers.has(st.cpu)) await run.mapObserver(st.cpu, rec);
}

/** Unmaps and closes a mapping; the last mapping of a CPU takes the observer with it. */
async function replayUnmap(run: KernelRun, st: StepOf<'unmap'>, rec: KernelStep): Promise<void> {
	const m = run.maps.get(st.map);
	if (!m) {
		fail(rec, 'EINVAL');
		return;
	}
	const last = [...run.maps.values()].filter((o) => o.cpu === m.cpu).length === 1;
	if (last && run.observers.has(m.cpu)) await run.unmapObserver(m.cpu, rec);
	const r = await run.helper.call(`munmap ${m.key}`);
	await run.helper.call(`close f${m.key}`);
	run.maps.delete(st.map);
	if (isError(r)) fail(rec, r.name);
}

/** TRACE_MMAP_IOCTL_GET_READER; with an observer, records the new reader sub-buffer. */
async function replayGetReader(
	run: KernelRun,
	st: StepOf<'getReader'>,
	rec: KernelStep
): Promise<void> {
	const r = await run.helper.call(`ioctl r${st.cpu}`);
	if (isError(r)) {
		fail(rec, r.name);
		return;
	}
	if (!run.observers.has(st.cpu)) return;
	const meta = await run.meta(st.cpu);
	const off = meta.meta_page_size + meta.reader.id * meta.subbuf_size;
	const p = await run.helper.must(`peek obs${st.cpu} ${off} ${meta.subbuf_size}`);
	rec.reader = { cpu: st.cpu, id: meta.reader.id, hex: p[0]! };
}

/** Reads the meta page through the scenario's mapping (it must start at page 0). */
async function replayReadMeta(
	run: KernelRun,
	st: StepOf<'readMeta'>,
	rec: KernelStep
): Promise<void> {
	const m = run.maps.get(st.map);
	if (!m || m.pgoff !== 0) {
		fail(rec, 'EINVAL');
		return;
	}
	const r = await run.helper.must(`peek ${m.key} 0 ${Math.min(m.length, run.metaPageSize)}`);
	const bytes = Buffer.from(r[0]!, 'hex');
	let paddingNonZero = 0;
	for (let off = META_STRUCT_LEN; off + 4 <= bytes.length; off += 4)
		if (bytes.readUInt32LE(off)) paddingNonZero++;
	rec.result = { ...parseMeta(bytes), paddingNonZero };
}

/** Reads the reader sub-buffer through the scenario's mapping, where the mapping covers it. */
async function replayReadMapped(
	run: KernelRun,
	st: StepOf<'readMapped'>,
	rec: KernelStep
): Promise<void> {
	const m = run.maps.get(st.map);
	if (!m || !run.observers.has(m.cpu)) {
		fail(rec, 'EINVAL');
		return;
	}
	const meta = await run.meta(m.cpu);
	const start = meta.meta_page_size + meta.reader.id * meta.subbuf_size - m.pgoff * PAGE_SIZE;
	if (start < 0 || start + meta.subbuf_size > m.length) {
		fail(rec, 'EINVAL');
		return;
	}
	const p = await run.helper.must(`peek ${m.key} ${start} ${meta.subbuf_size}`);
	rec.result = {
		...parseSubbuf(Buffer.from(p[0]!, 'hex'), meta.reader.read),
		reader: meta.reader
	};
}

/** Writes buffer_size_kb (all CPUs or one), then checks the kernel gave what was asked. */
function replayResize(run: KernelRun, st: StepOf<'resize'>, rec: KernelStep): void {
	const n = st.subbufs;
	const file = st.cpu === 'all' ? 'buffer_size_kb' : `per_cpu/cpu${st.cpu}/buffer_size_kb`;
	const e = run.inst.write(file, String(n === 0 ? 0 : kbFor(n, run.data)));
	if (e) fail(rec, e);
	else
		for (const c of st.cpu === 'all' ? [...Array(run.cpus).keys()] : [st.cpu])
			run.checkSize(c, n);
}

/** Writes buffer_subbuf_size_kb; on success the readers are opened again. */
async function replaySubbufOrder(
	run: KernelRun,
	st: StepOf<'subbufOrder'>,
	rec: KernelStep
): Promise<void> {
	const e = run.inst.write(
		'buffer_subbuf_size_kb',
		String(st.order < 0 ? 0 : subbufKb(st.order))
	);
	if (e) fail(rec, e);
	else {
		run.order = st.order;
		await run.reopenReaders();
	}
}

/** The replay of each op a live kernel can make (checkReplayable refuses the others first). */
export const REPLAY: { [K in Step['op']]?: ReplayHandler<StepOf<K>> } = {
	write: replayWrite,
	clock: (run, st) => run.sleep(st.advanceNs ?? 0),
	consume: async (run, st, rec) => {
		rec.cpu = st.cpu;
		await run.consumePipe(st.cpu, st.count ?? Infinity, rec);
	},
	readPage: async (run, st, rec) => {
		rec.cpu = st.cpu;
		await run.readPages(st.cpu, 1, rec);
	},
	map: replayMap,
	unmap: replayUnmap,
	getReader: replayGetReader,
	readMeta: replayReadMeta,
	readMapped: replayReadMapped,
	resize: replayResize,
	subbufOrder: replaySubbufOrder,
	reset: (run, st) => run.resetCpu(st.cpu),
	tracing: (run, st, rec) => {
		const e = run.inst.write('tracing_on', st.on ? '1' : '0');
		if (e) fail(rec, e);
	}
};
