/**
 * Prints the results: the machine, one table per payload size (median M ev/s, ns/ev, spread, the
 * probe's figure), the ratios against the named anchors, (d) the kernel's own figures against
 * the engine's, and a closing "goals" block (measured ratio, met/missed). Measures nothing.
 */
import os from 'node:os';
import { isScenario, median, type Entry, type Measured, type Options } from './harness.ts';
import {
	KERNEL_MARKER_NS,
	KERNEL_MMAP_DRAIN,
	KERNEL_READ_DRAIN,
	PROBE,
	sizeIndex
} from './perf-md.ts';

interface Ratio {
	num: string;
	den: string;
	/** Goal: the ratio must be at least this (one figure, or per payload size; none: shown only). */
	min?: number | Readonly<Record<number, number>>;
	/** What the ratio says, shown in the goals block. */
	goal?: string;
}

/**
 * Ratios per payload size; those with `min` are the goals of issue 4 (perf.md "Recommended
 * ratios"). The cross-thread goals are judged on the lossless engine run (the writer waits for a
 * free page, as the baselines' writers do); the overwrite-mode runs are shown beside them with
 * their `-delivered` rate, the events per second that reached the consumer.
 */
const RATIOS: readonly Ratio[] = [
	{
		num: 'engine-ab-synthetic',
		den: 'bare-atomic-ab',
		min: 0.5,
		goal: '1  writeEvent >= 0.5x bare encode + Atomics.store (AB, synthetic clock)'
	},
	{
		num: 'engine-sab-synthetic',
		den: 'bare-atomic-sab',
		min: 0.5,
		goal: '1  writeEvent >= 0.5x bare encode + Atomics.store (SAB, synthetic clock)'
	},
	{
		num: 'engine-burst-ab',
		den: 'bare-atomic-ab',
		min: 0.5,
		goal: '1  writeBurst >= 0.5x bare encode + Atomics.store (AB, synthetic clock)'
	},
	{
		num: 'engine-burst-sab',
		den: 'bare-atomic-sab',
		min: 0.5,
		goal: '1  writeBurst >= 0.5x bare encode + Atomics.store (SAB, synthetic clock)'
	},
	{
		num: 'engine-ab-real',
		den: 'bare-now',
		min: 0.8,
		goal: '6  writeEvent, real clock (AB) >= 0.8x bare encode + performance.now()'
	},
	{
		num: 'engine-sab-real',
		den: 'bare-now',
		min: 0.8,
		goal: '6  writeEvent, real clock (SAB) >= 0.8x bare encode + performance.now()'
	},
	{
		num: 'engine-burst-ab-real',
		den: 'bare-now',
		min: 0.8,
		goal: '6  writeBurst, real clock (AB) >= 0.8x bare encode + performance.now()'
	},
	{
		num: 'engine-burst-sab-real',
		den: 'bare-now',
		min: 0.8,
		goal: '6  writeBurst, real clock (SAB) >= 0.8x bare encode + performance.now()'
	},
	{
		num: 'engine-burst-ab-real-paged',
		den: 'bare-now',
		min: 0.8,
		goal: '6  writeBurst, real clock, commit per page (AB; the anchor publishes none) >= 0.8x'
	},
	{ num: 'engine-ab-synthetic', den: 'bare-plain' },
	{ num: 'engine-burst-ab-paged', den: 'bare-plain' },
	{ num: 'engine-decode', den: 'bare-decode' },
	{ num: 'handoff-synthetic', den: 'post-page' },
	{ num: 'handoff-synthetic', den: 'ringbuf' },
	{ num: 'handoff-synthetic', den: 'post-record' },
	{ num: 'engine-cross-thread-delivered', den: 'engine-cross-thread' },
	{ num: 'engine-cross-thread-delivered', den: 'handoff-synthetic' },
	{ num: 'engine-cross-real-delivered', den: 'handoff-real' },
	{
		num: 'engine-paced-thread',
		den: 'handoff-synthetic',
		min: 0.5,
		goal: '2  cross-thread (lossless) >= 0.5x SAB page handoff (aim 0.7x), synthetic clock'
	},
	{
		num: 'engine-paced-real',
		den: 'handoff-real',
		min: 0.5,
		goal: '2  cross-thread (lossless) >= 0.5x SAB page handoff (aim 0.7x), real clock'
	},
	{
		num: 'engine-paced-thread',
		den: 'ringbuf',
		min: { 16: 2, 64: 1.5 },
		goal: '3  cross-thread (lossless) >= 2x (16 B) / 1.5x (64 B) ringbuf.js push 1 / pop 4 KiB'
	},
	{
		num: 'engine-paced-thread',
		den: 'post-record',
		min: 20,
		goal: '3  cross-thread (lossless) >= 20x postMessage per record'
	},
	{
		num: 'engine-paced-thread',
		den: 'post-page',
		min: { 16: 1, 64: 1.3, 256: 3 },
		goal: '4  cross-thread (lossless) >= 1x / 1.3x / 3x postMessage 4 KiB pages (16/64/256 B)'
	},
	{
		num: 'engine-decode',
		den: 'bare-decode',
		min: 0.5,
		goal: '5  engine sub-buffers parsed in place >= 0.5x the bare decode'
	},
	{
		num: 'engine-decode',
		den: 'engine-burst-sab',
		min: 5,
		goal: '5  parse cost <= 1/5 of the write cost (parse rate >= 5x writeBurst, SAB)'
	},
	{
		num: 'engine-drain',
		den: 'engine-burst-sab',
		min: 1,
		goal: '5  mapped drain (GET_READER + walk) faster than writeBurst fills (SAB)'
	}
];

/** The goal for payload size `payload`, if the ratio has one there. */
function minFor(r: Ratio, payload: number): number | undefined {
	if (r.min === undefined || typeof r.min === 'number') return r.min;
	return r.min[payload];
}

/** perf.md gate 5: the engine consumer reaches at least this many events/s. */
const DECODE_MIN = 150e6;
const KERNEL_SANITY = 5;

type Lookup = (key: string, payload: number) => Measured | undefined;

function lookup(measured: readonly Measured[]): Lookup {
	const by = new Map(measured.map((m) => [`${m.scenario.key}@${m.scenario.payload}`, m]));
	for (const m of measured)
		if (m.delivered.length > 0)
			by.set(`${m.scenario.key}-delivered@${m.scenario.payload}`, {
				...m,
				scenario: { ...m.scenario, key: `${m.scenario.key}-delivered` },
				rates: m.delivered,
				median: median(m.delivered)
			});
	return (key, payload) => by.get(`${key}@${payload}`);
}

const ok = (m: Measured | undefined): m is Measured =>
	m !== undefined && m.error === undefined && Number.isFinite(m.median);

function mevs(rate: number): string {
	const m = rate / 1e6;
	return m.toFixed(m >= 100 ? 0 : m >= 10 ? 1 : 2);
}

function ns(rate: number): string {
	const v = 1e9 / rate;
	return v.toFixed(v >= 1000 ? 0 : 1);
}

/** Short names for the ratio lines. */
const SHORT: Readonly<Record<string, string>> = {
	'bare-plain': 'bare encode (AB)',
	'bare-atomic-ab': 'bare encode + Atomics.store (AB)',
	'bare-atomic-sab': 'bare encode + Atomics.store (SAB)',
	'bare-now': 'bare encode + performance.now() (AB)',
	'bare-decode': 'bare decode in place',
	'engine-decode': 'engine sub-buffers parsed in place',
	'handoff-synthetic': 'SAB page handoff',
	'handoff-real': 'SAB page handoff, real clock',
	'post-page': 'postMessage 4 KiB pages',
	'post-record': 'postMessage per record',
	ringbuf: 'ringbuf.js push 1 / pop 4 KiB',
	'engine-cross-thread': 'engine cross-thread, overwrite, written',
	'engine-cross-thread-delivered': 'engine cross-thread, overwrite, delivered',
	'engine-cross-real-delivered': 'engine cross-thread, overwrite, real clock, delivered',
	'engine-paced-thread': 'engine cross-thread, lossless (commit per page)',
	'engine-paced-real': 'engine cross-thread, lossless, real clock',
	'engine-burst-ab-paged': 'engine writeBurst, commit per page (AB)',
	'engine-burst-ab-real-paged': 'engine writeBurst, real clock, commit per page (AB)',
	'engine-drain': 'engine mapped drain (GET_READER + walk)',
	'engine-burst-sab': 'engine writeBurst (SAB)'
};

function name(m: Measured): string {
	const s = m.scenario;
	return SHORT[s.key] ?? `${s.label} (${s.buffer === '-' ? '' : `${s.buffer}, `}${s.clock})`;
}

function ratioOf(get: Lookup, r: Ratio, payload: number): number | undefined {
	const a = get(r.num, payload);
	const b = get(r.den, payload);
	return ok(a) && ok(b) ? a.median / b.median : undefined;
}

function verdict(value: number | undefined, min: number): string {
	if (value === undefined) return 'not measured';
	return value >= min ? 'met' : `MISSED (${((100 * value) / min).toFixed(0)}% of it)`;
}

function row(cells: readonly string[], widths: readonly number[]): string {
	return cells
		.map((c, i) => (i <= 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
		.join('  ')
		.trimEnd();
}

export function header(opt: Options, loadBefore: readonly number[]): string {
	const cpus = os.cpus();
	const load = (l: readonly number[]) => l.map((x) => x.toFixed(2)).join(' ');
	return [
		`ringlab bench — ${new Date().toISOString()}`,
		`machine: ${cpus[0]?.model ?? '?'} x ${cpus.length}, ${os.type()} ${os.release()}, ` +
			`node ${process.version} (V8 ${process.versions.v8})`,
		`${opt.rounds} rounds (BENCH_ROUNDS), every scenario in every round, interleaved; ` +
			`~${opt.targetMs} ms per run (BENCH_MS)`,
		`load average before / after: ${load(loadBefore)} / ${load(os.loadavg())} ` +
			`(${cpus.length} cores: other work on the machine shows as spread)`,
		'M ev/s and ns/ev are medians; spread = (max - min) / median; ' +
			'perf.md = the probe, same kind of VM'
	].join('\n');
}

function table(payload: number, entries: readonly Entry[], get: Lookup): string[] {
	const widths = [7, 46, 4, 9, 8, 8, 6, 7];
	const lines = [
		row(['part', 'scenario', 'buf', 'clock', 'M ev/s', 'ns/ev', 'spread', 'perf.md'], widths)
	];
	const si = sizeIndex(payload);
	const order = (e: Entry) => (isScenario(e) ? ['a', 'b', 'b/c', 'c'].indexOf(e.part) : 9);
	const rows = entries.filter((e) => e.payload === payload).sort((x, y) => order(x) - order(y));
	for (const e of rows) {
		if (!isScenario(e)) {
			lines.push(`${e.label}: ${e.pending}`);
			continue;
		}
		const m = get(e.key, payload);
		if (m === undefined) continue; // left out by BENCH_ONLY
		const probe = PROBE[e.key]?.[si];
		const probeText = probe == null ? '' : String(probe);
		const why = m?.error ?? 'no result';
		if (!ok(m)) {
			lines.push(
				row(
					[`(${e.part})`, e.label, e.buffer, e.clock, 'error', '', '', probeText],
					widths
				) + `  ${why}`
			);
			continue;
		}
		const spread = (Math.max(...m.rates) - Math.min(...m.rates)) / m.median;
		const delivered = get(`${e.key}-delivered`, payload);
		const share =
			delivered && ok(delivered)
				? `  reader got ${mevs(delivered.median)} M ev/s ` +
					`(${((100 * delivered.median) / m.median).toFixed(0)}% of written)`
				: '';
		lines.push(
			row(
				[
					`(${e.part})`,
					e.label,
					e.buffer,
					e.clock,
					mevs(m.median),
					ns(m.median),
					`${Math.round(spread * 100)}%`,
					probeText
				],
				widths
			) + share
		);
	}
	return lines;
}

function ratios(payload: number, get: Lookup): string[] {
	const lines = ['ratios (events/s over events/s, same run)'];
	for (const r of RATIOS) {
		const a = get(r.num, payload);
		const b = get(r.den, payload);
		if (!a || !b) continue;
		const v = ratioOf(get, r, payload);
		const text = `  ${name(a)} / ${name(b)}`.padEnd(76);
		const min = minFor(r, payload);
		const goal = min === undefined ? '' : `  goal >= ${min}: ${verdict(v, min)}`;
		lines.push(`${text} ${v === undefined ? '   -' : `${v.toFixed(2)}x`.padStart(7)}${goal}`);
	}
	return lines;
}

function kernel(payload: number, get: Lookup): string[] {
	const si = sizeIndex(payload);
	const markerNs = KERNEL_MARKER_NS[si]!;
	const lines = [
		'(d) the kernel, native ftrace on this kind of VM (perf.md, not re-measured here)'
	];
	const real = get('engine-ab-real', payload);
	const synth = get('engine-ab-synthetic', payload);
	let w = `  write() to trace_marker_raw: ${markerNs} ns/ev (${(1e3 / markerNs).toFixed(2)} M ev/s)`;
	if (ok(real)) {
		const engineNs = 1e9 / real.median;
		lines.push(w);
		w = `  engine writeEvent (AB): real clock ${engineNs.toFixed(1)} ns/ev, `;
		w += `kernel ns / engine ns = ${(markerNs / engineNs).toFixed(2)} (sanity: >= ${KERNEL_SANITY})`;
		if (ok(synth)) {
			const synthNs = 1e9 / synth.median;
			w += `; synthetic clock ${synthNs.toFixed(1)} ns/ev, ${(markerNs / synthNs).toFixed(2)}`;
		}
	}
	lines.push(w);
	const decode = get('engine-decode', payload);
	let r = `  drain of a full buffer: read() of trace_pipe_raw ${KERNEL_READ_DRAIN[si]} M ev/s, `;
	r += `mmap reader ${KERNEL_MMAP_DRAIN[si]} M ev/s`;
	if (ok(decode)) {
		const v = decode.median / 1e6;
		lines.push(r);
		r = `  engine sub-buffers parsed in place (1 thread, our parser): ${mevs(decode.median)} M ev/s`;
		r += ` (${(1e9 / decode.median).toFixed(1)} ns/ev) = ${(v / KERNEL_MMAP_DRAIN[si]!).toFixed(1)}x`;
		r += ` the mmap drain, ${(v / KERNEL_READ_DRAIN[si]!).toFixed(1)}x the read() drain`;
	}
	lines.push(r);
	const drain = get('engine-drain', payload);
	if (ok(drain)) {
		const v = drain.median / 1e6;
		lines.push(
			`  engine mapped drain, GET_READER + walk in place (1 thread): ${mevs(drain.median)} M ev/s ` +
				`= ${(v / KERNEL_MMAP_DRAIN[si]!).toFixed(1)}x the kernel's mmap drain (${KERNEL_MMAP_DRAIN[si]} M ev/s)`
		);
	}
	return lines;
}

function goals(sizes: readonly number[], get: Lookup): string[] {
	const lines = ['goals (issue 4; perf.md "Recommended ratios" gate number first), this run'];
	const cell = (v: number | undefined, min: number | undefined, unit = 'x') =>
		(min === undefined
			? v === undefined
				? '-'
				: `${v.toFixed(2)}${unit} (no goal)`
			: v === undefined
				? 'not measured'
				: `${v.toFixed(2)}${unit} ${verdict(v, min)}`
		).padEnd(26);
	lines.push(`  ${''.padEnd(86)} ${sizes.map((s) => `${s} B`.padEnd(26)).join(' ')}`.trimEnd());
	for (const r of RATIOS) {
		if (r.min === undefined) continue;
		const cells = sizes.map((s) => cell(ratioOf(get, r, s), minFor(r, s)));
		lines.push(`  ${r.goal!.padEnd(86)} ${cells.join(' ')}`.trimEnd());
	}
	const decode = sizes.map((s) => {
		const m = get('engine-decode', s);
		return cell(ok(m) ? m.median / 1e6 : undefined, DECODE_MIN / 1e6, ' M');
	});
	lines.push(
		`  ${`5  engine sub-buffers parsed in place >= ${DECODE_MIN / 1e6} M ev/s`.padEnd(86)} ${decode.join(' ')}`.trimEnd()
	);
	for (const [key, what] of [
		['engine-ab-real', 'writeEvent'],
		['engine-burst-ab-real', 'writeBurst']
	] as const) {
		const sanity = sizes.map((s) => {
			const m = get(key, s);
			const v = ok(m) ? KERNEL_MARKER_NS[sizeIndex(s)]! / (1e9 / m.median) : undefined;
			return cell(v, KERNEL_SANITY);
		});
		const text = `7  ${what}, real clock (AB) >= ${KERNEL_SANITY}x cheaper than trace_marker_raw (sanity)`;
		lines.push(`  ${text.padEnd(86)} ${sanity.join(' ')}`.trimEnd());
	}
	const drain = sizes.map((s) => {
		const m = get('engine-drain', s);
		return cell(
			ok(m) ? m.median / 1e6 / KERNEL_MMAP_DRAIN[sizeIndex(s)]! : undefined,
			undefined
		);
	});
	lines.push(
		`  ${'7  engine mapped drain / the kernel mmap + GET_READER drain (perf.md)'.padEnd(86)} ${drain.join(' ')}`.trimEnd()
	);
	return lines;
}

export function report(
	entries: readonly Entry[],
	measured: readonly Measured[],
	opt: Options,
	loadBefore: readonly number[]
): string {
	const get = lookup(measured);
	const sizes = [...new Set(entries.map((e) => e.payload))];
	const out = [header(opt, loadBefore), ''];
	for (const payload of sizes) {
		out.push(`== ${payload}-byte payload ${'='.repeat(60)}`);
		out.push(...table(payload, entries, get), '');
		out.push(...ratios(payload, get), '');
		out.push(...kernel(payload, get), '');
	}
	out.push(...goals(sizes, get));
	return out.join('\n');
}
