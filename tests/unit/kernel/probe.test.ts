// What a scenario needs of the kernel, and the refusal that skips it: pure, with a probe made up
// for the test (a kernel that refuses sub-buffer size changes, as Linux 6.18.44 here does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseScenario } from '../../../src/lib/ring';
import {
	describeRefusal,
	formatProbe,
	neededCapabilities,
	refusedCapability,
	type CapabilityResult,
	type KernelProbe
} from '../../../src/kernel/probe';

const load = (f: string) =>
	parseScenario(readFileSync(join(__dirname, '../../../scenarios/kernel', f), 'utf8'));

function probeWith(refused: Partial<Record<CapabilityResult['capability'], string>>): KernelProbe {
	const caps = [
		'instance',
		'tracing',
		'reset',
		'overwrite',
		'resize',
		'subbufSize',
		'markerRaw',
		'mmap',
		'getReader'
	] as const;
	return {
		kernel: 'Linux test',
		subbufSizeKb: 4,
		bufferSizeKb: 1410,
		overwrite: true,
		results: caps.map((c) =>
			refused[c]
				? { capability: c, allowed: false, errno: refused[c], file: `file-of-${c}` }
				: { capability: c, allowed: true }
		)
	};
}

describe('neededCapabilities', () => {
	test('an 8 KiB scenario needs the sub-buffer size change; a 4 KiB one without order steps does not', () => {
		const p = probeWith({});
		expect(neededCapabilities(load('subbuf-8k.json'), p)).toContain('subbufSize');
		expect(neededCapabilities(load('overwrite-loss.json'), p)).not.toContain('subbufSize');
		expect(neededCapabilities(load('order-change-keeps-counters.json'), p)).toContain(
			'subbufSize'
		);
	});
	test('maps, GET_READER and producer/consumer mode are asked for only when used', () => {
		const p = probeWith({});
		const mapped = neededCapabilities(load('map-get-reader.json'), p);
		expect(mapped).toEqual(expect.arrayContaining(['mmap', 'getReader', 'markerRaw']));
		expect(mapped).not.toContain('overwrite');
		expect(neededCapabilities(load('producer-consumer.json'), p)).toContain('overwrite');
		expect(neededCapabilities(load('overwrite-loss.json'), p)).not.toContain('mmap');
	});
});

describe('refusedCapability', () => {
	test('a kernel refusing sub-buffer size changes skips exactly the scenarios that change it', () => {
		const p = probeWith({ subbufSize: 'EPERM' });
		const r = refusedCapability(load('subbuf-8k.json'), p);
		expect(r).toEqual({
			capability: 'subbufSize',
			allowed: false,
			errno: 'EPERM',
			file: 'file-of-subbufSize'
		});
		expect(describeRefusal(r!)).toBe(
			'change the sub-buffer size (order): file-of-subbufSize answers EPERM'
		);
		expect(refusedCapability(load('map-get-reader.json'), p)).toBeNull();
		expect(refusedCapability(load('refusals.json'), p)).toBeNull();
	});
	test('the probe prints as a table with the errno and the file of each refusal', () => {
		const t = formatProbe(probeWith({ mmap: 'ENODEV' }));
		expect(t).toMatch(/^Linux test: a new instance has 4 KiB sub-buffers/);
		expect(t).toMatch(/map a CPU buffer\s+no\s+ENODEV\s+file-of-mmap/);
		expect(t).toMatch(/write events\s+yes/);
	});
});
