/**
 * What the live kernel allows, asked once per process: a throwaway tracing instance in which each
 * capability `ringlab kernel run` relies on is tried (and undone), with the errno and the file of
 * every refusal. Kernels differ between machines: a build may refuse writes that another accepts
 * (Linux 6.18.44 here answers EPERM to any write of buffer_subbuf_size_kb). A scenario that needs
 * a refused capability is skipped with that reason (exit 3), never failed.
 */
import { closeSync, openSync } from 'node:fs';
import { release } from 'node:os';
import type { Scenario } from '../lib/ring';
import { BUF_PAGE_HDR_SIZE, PAGE_SIZE } from '../lib/ring/constants';
import { buildHelper, Helper, isError } from './helper';
import { kbFor, KernelUnavailable } from './record';
import { Instance, settingValue, unavailableReason } from './tracefs';

/** The capabilities, in the order the probe tries them, with what each lets a run do. */
export const CAPABILITIES = {
	instance: 'create a tracing instance',
	tracing: 'turn tracing on and off',
	reset: 'clear a CPU buffer',
	overwrite: 'switch overwrite mode',
	resize: 'resize the ring',
	subbufSize: 'change the sub-buffer size (order)',
	markerRaw: 'write events',
	mmap: 'map a CPU buffer',
	getReader: 'swap the reader page (GET_READER)'
} as const;

export type Capability = keyof typeof CAPABILITIES;

export interface CapabilityResult {
	capability: Capability;
	allowed: boolean;
	/** The errno of the refusal. */
	errno?: string;
	/** The tracefs file (relative to the instance) that refused. */
	file?: string;
}

export interface KernelProbe {
	kernel: string;
	/** A new instance's settings: buffer_subbuf_size_kb, buffer_size_kb, options/overwrite. */
	subbufSizeKb: number;
	bufferSizeKb: number;
	overwrite: boolean;
	results: CapabilityResult[];
}

/** A scenario needs a capability this kernel refuses (exit 3: skipped, with the reason). */
export class CapabilityRefused extends KernelUnavailable {
	constructor(readonly refusal: CapabilityResult) {
		super(`this kernel refuses to ${describeRefusal(refusal)}`);
	}
}

export function describeRefusal(r: CapabilityResult): string {
	if (!r.errno) return CAPABILITIES[r.capability];
	return r.file
		? `${CAPABILITIES[r.capability]}: ${r.file} answers ${r.errno}`
		: `${CAPABILITIES[r.capability]}: ${r.errno}`;
}

const cache = new Map<string, Promise<KernelProbe>>();
let runs = 0;

/** How many probes this process actually ran (the rest came from the cache). */
export function probeRuns(): number {
	return runs;
}

/**
 * The probe of this kernel, run at the first call and cached for the process (per injected
 * refusal set, RINGLAB_KERNEL_REFUSE). Throws KernelUnavailable where no kernel can be used.
 */
export function probeKernel(): Promise<KernelProbe> {
	const why = unavailableReason();
	if (why) return Promise.reject(new KernelUnavailable(why));
	const key = process.env.RINGLAB_KERNEL_REFUSE ?? '';
	let p = cache.get(key);
	if (!p) {
		p = runProbe();
		cache.set(key, p);
		p.catch(() => cache.delete(key));
	}
	return p;
}

async function runProbe(): Promise<KernelProbe> {
	runs++;
	const bin = buildHelper();
	const results: CapabilityResult[] = [];
	const record = (capability: Capability, errno: string | null, file?: string) =>
		results.push(
			errno ? { capability, allowed: false, errno, file } : { capability, allowed: true }
		);
	let inst: Instance;
	try {
		inst = Instance.create();
	} catch (e) {
		record('instance', (e as NodeJS.ErrnoException).code ?? 'EIO', 'instances/');
		for (const c of Object.keys(CAPABILITIES).slice(1) as Capability[])
			results.push({ capability: c, allowed: false, errno: 'no instance' });
		return {
			kernel: `Linux ${release()}`,
			subbufSizeKb: 4,
			bufferSizeKb: 0,
			overwrite: true,
			results
		};
	}
	record('instance', null);
	let helper: Helper | null = null;
	try {
		const subbufSizeKb = Number(settingValue(inst.read('buffer_subbuf_size_kb')));
		const bufferSizeKb = Number(settingValue(inst.read('buffer_size_kb')));
		const overwrite = settingValue(inst.read('options/overwrite')) === '1';
		/** Writes `value` and then `back` (the setting as it was), or stops at the first errno. */
		const tryWrite = (capability: Capability, file: string, value: string, back: string) => {
			const e = inst.write(file, value) ?? inst.write(file, back);
			record(capability, e, file);
		};
		tryWrite('tracing', 'tracing_on', '0', '1');
		try {
			closeSync(openSync(inst.path('per_cpu/cpu0/trace'), 'w'));
			record('reset', null);
		} catch (e) {
			record('reset', (e as NodeJS.ErrnoException).code ?? 'EIO', 'per_cpu/cpu0/trace');
		}
		tryWrite('overwrite', 'options/overwrite', overwrite ? '0' : '1', overwrite ? '1' : '0');
		const data = subbufSizeKb * 1024 - BUF_PAGE_HDR_SIZE;
		const other = kbFor(3, data) === bufferSizeKb ? kbFor(4, data) : kbFor(3, data);
		tryWrite('resize', 'buffer_size_kb', String(other), String(bufferSizeKb));
		const otherSubbuf = subbufSizeKb === 4 ? 8 : 4;
		tryWrite('subbufSize', 'buffer_subbuf_size_kb', String(otherSubbuf), String(subbufSizeKb));
		helper = await Helper.start(bin, inst.dir, (h) => (inst.beforeRemove = () => h.kill()));
		const call = async (capability: Capability, cmd: string, file: string) => {
			const r = await helper!.call(cmd);
			record(capability, isError(r) ? r.name : null, file);
			return !isError(r);
		};
		await call('markerRaw', 'write 0000000061626364', 'trace_marker_raw');
		await helper.must('open p per_cpu/cpu0/trace_pipe_raw r');
		if (await call('mmap', `mmap pm p 0 ${PAGE_SIZE} r shared`, 'per_cpu/cpu0/trace_pipe_raw'))
			await call('getReader', 'ioctl p', 'per_cpu/cpu0/trace_pipe_raw');
		else results.push({ capability: 'getReader', allowed: false, errno: 'no mapping' });
		return { kernel: `Linux ${release()}`, subbufSizeKb, bufferSizeKb, overwrite, results };
	} finally {
		if (helper) await helper.stop();
		inst.removeSync();
	}
}

/** The capabilities a scenario needs on a kernel whose new instances look like `probe`'s. */
export function neededCapabilities(s: Scenario, probe: KernelProbe): Capability[] {
	const { config } = s;
	const ops = new Set(s.steps.map((st) => st.op));
	const need: Capability[] = ['instance', 'tracing', 'reset'];
	const subbufKb = (PAGE_SIZE / 1024) << config.subbufOrder;
	if (subbufKb !== probe.subbufSizeKb || ops.has('subbufOrder')) need.push('subbufSize');
	if (config.overwrite !== probe.overwrite) need.push('overwrite');
	const kb = kbFor(config.subbufsPerCpu, subbufKb * 1024 - BUF_PAGE_HDR_SIZE);
	if (kb !== probe.bufferSizeKb || ops.has('resize')) need.push('resize');
	if (ops.has('write')) need.push('markerRaw');
	if (ops.has('map')) need.push('mmap');
	if (ops.has('getReader')) need.push('getReader');
	return need;
}

/** The first capability the scenario needs and the kernel refuses, or null. */
export function refusedCapability(s: Scenario, probe: KernelProbe): CapabilityResult | null {
	for (const c of neededCapabilities(s, probe)) {
		const r = probe.results.find((x) => x.capability === c);
		if (r && !r.allowed) return r;
	}
	return null;
}

/** The probe as a table: capability, allowed, errno, file. */
export function formatProbe(p: KernelProbe): string {
	const rows = [['capability', 'allowed', 'errno', 'file']];
	for (const r of p.results)
		rows.push([
			CAPABILITIES[r.capability],
			r.allowed ? 'yes' : 'no',
			r.errno ?? '',
			r.file ?? ''
		]);
	const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
	const lines = rows.map((row) =>
		row
			.map((cell, i) => cell.padEnd(widths[i]!))
			.join('  ')
			.trimEnd()
	);
	return [
		`${p.kernel}: a new instance has ${p.subbufSizeKb} KiB sub-buffers, buffer_size_kb ${p.bufferSizeKb}, overwrite ${p.overwrite ? 'on' : 'off'}`,
		...lines
	].join('\n');
}
