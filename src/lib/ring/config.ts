/**
 * The simulated machine's configuration (scenario `config`, spec §2) with its defaults and
 * validation. Validation reports the JSON path of the first bad value.
 */
import { FormatError } from './errors';
import { MAX_SUBBUF_ORDER } from './constants';
import { layoutFor, stateBoundProblem } from './layout';

export type KernelVersion = '6.10' | '6.12';
export type HistorySwitch =
	| 'swap-from-remote-cpu'
	| 'pgoff-bound-wraps'
	| 'unchecked-meta-alloc'
	| 'flush-outside-reader-lock'
	| 'meta-without-reader-read';
export const HISTORY_SWITCHES: readonly HistorySwitch[] = [
	'swap-from-remote-cpu',
	'pgoff-bound-wraps',
	'unchecked-meta-alloc',
	'flush-outside-reader-lock',
	'meta-without-reader-read'
];

export interface ClockConfig {
	startNs: number;
	stepNs: number;
}

export interface RingConfig {
	kernel: KernelVersion;
	cpus: number;
	/** The kernel's nr_pages: data sub-buffers of one CPU, the reader page not included. */
	subbufsPerCpu: number;
	subbufOrder: number;
	overwrite: boolean;
	snapshot: boolean;
	clock: ClockConfig;
	history: HistorySwitch[];
	seed: number;
}

export type ConfigInput = Partial<Omit<RingConfig, 'clock'>> & { clock?: Partial<ClockConfig> };

export const DEFAULT_CONFIG: Readonly<RingConfig> = Object.freeze({
	kernel: '6.10',
	cpus: 1,
	subbufsPerCpu: 4,
	subbufOrder: 0,
	overwrite: true,
	snapshot: false,
	clock: { startNs: 0, stepNs: 100 },
	history: [],
	seed: 1
});

/** Most sub-buffers per CPU the simulator allocates (keeps one state buffer small enough to copy). */
export const MAX_SUBBUFS_PER_CPU = 4096;
export const MAX_CPUS = 8;

const KEYS = new Set([
	'kernel',
	'cpus',
	'subbufsPerCpu',
	'subbufOrder',
	'overwrite',
	'snapshot',
	'clock',
	'history',
	'seed'
]);

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectInt(v: unknown, path: string, min: number, max: number): number {
	if (typeof v !== 'number' || !Number.isInteger(v))
		throw new FormatError(path, 'must be an integer');
	if (v < min || v > max) throw new FormatError(path, `must be between ${min} and ${max}`);
	return v;
}

export function expectBool(v: unknown, path: string): boolean {
	if (typeof v !== 'boolean') throw new FormatError(path, 'must be true or false');
	return v;
}

/** Fills defaults and checks every field; throws FormatError naming the JSON path. */
export function validateConfig(input: unknown, path = '$.config'): RingConfig {
	if (input === undefined) input = {};
	if (!isObject(input)) throw new FormatError(path, 'must be an object');
	for (const k of Object.keys(input)) {
		if (!KEYS.has(k)) throw new FormatError(`${path}.${k}`, 'is not a config field');
	}
	const d = DEFAULT_CONFIG;
	const kernel = input.kernel ?? d.kernel;
	if (kernel !== '6.10' && kernel !== '6.12')
		throw new FormatError(`${path}.kernel`, 'must be "6.10" or "6.12"');
	const clockIn = input.clock ?? {};
	if (!isObject(clockIn)) throw new FormatError(`${path}.clock`, 'must be an object');
	for (const k of Object.keys(clockIn)) {
		if (k !== 'startNs' && k !== 'stepNs')
			throw new FormatError(`${path}.clock.${k}`, 'is not a clock field');
	}
	const history = input.history ?? [];
	if (!Array.isArray(history)) throw new FormatError(`${path}.history`, 'must be an array');
	history.forEach((h, i) => {
		if (!HISTORY_SWITCHES.includes(h as HistorySwitch))
			throw new FormatError(
				`${path}.history[${i}]`,
				`unknown history switch (known: ${HISTORY_SWITCHES.join(', ')})`
			);
	});
	const config: RingConfig = {
		kernel,
		cpus: expectInt(input.cpus ?? d.cpus, `${path}.cpus`, 1, MAX_CPUS),
		subbufsPerCpu: expectInt(
			input.subbufsPerCpu ?? d.subbufsPerCpu,
			`${path}.subbufsPerCpu`,
			2,
			MAX_SUBBUFS_PER_CPU
		),
		subbufOrder: expectInt(
			input.subbufOrder ?? d.subbufOrder,
			`${path}.subbufOrder`,
			0,
			MAX_SUBBUF_ORDER
		),
		overwrite: expectBool(input.overwrite ?? d.overwrite, `${path}.overwrite`),
		snapshot: expectBool(input.snapshot ?? d.snapshot, `${path}.snapshot`),
		clock: {
			startNs: expectInt(
				clockIn.startNs ?? d.clock.startNs,
				`${path}.clock.startNs`,
				0,
				2 ** 53 - 1
			),
			stepNs: expectInt(clockIn.stepNs ?? d.clock.stepNs, `${path}.clock.stepNs`, 0, 2 ** 40)
		},
		history: history as HistorySwitch[],
		seed: expectInt(input.seed ?? d.seed, `${path}.seed`, 0, 2 ** 32 - 1)
	};
	const problem = stateBoundProblem(stateLayout(config));
	if (problem) throw new FormatError(path, problem);
	return config;
}

/** The layout of a config's state: every CPU's live buffer, and its snapshot buffer when on. */
export function stateLayout(config: RingConfig) {
	const nr: number[] = [];
	for (let b = 0; b < 2; b++)
		for (let c = 0; c < config.cpus; c++)
			nr.push(b === 0 || config.snapshot ? config.subbufsPerCpu : 0);
	return layoutFor(config.cpus, config.subbufOrder, nr, config.kernel);
}
