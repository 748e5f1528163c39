/**
 * The operations of the scenario format (spec §2, "Operations"): their TypeScript shapes and the
 * validator that checks a step's fields and reports the JSON path of the first bad one.
 */
import { expectBool, expectInt, type RingConfig } from './config';
import { CTX_NAMES, type CtxName } from './context';
import { checkPayload, MAX_PAYLOAD_BYTES } from './input-bounds';
import { FormatError } from './errors';

export type WriterCtx = 'task' | 'irq' | 'nmi';
export interface Expectable {
	expect?: Record<string, unknown>;
}
export type WriteStep = {
	op: 'write';
	cpu: number;
	payload?: string;
	size?: number;
	ctx?: WriterCtx;
	at?: number;
	deltaNs?: number;
	repeat?: number;
};
export type ClockStep = { op: 'clock'; advanceNs?: number; setNs?: number };
export type ConsumeStep = { op: 'consume'; cpu: number; count?: number };
export type ReadPageStep = { op: 'readPage'; cpu: number };
export type ResizeStep = { op: 'resize'; cpu: number | 'all'; subbufs: number };
export type SubbufOrderStep = { op: 'subbufOrder'; order: number };
export type ResetStep = { op: 'reset'; cpu: number };
export type TracingStep = { op: 'tracing'; on: boolean };
export type MapStep = {
	op: 'map';
	cpu: number;
	as: string;
	offset?: number;
	length?: number;
	prot?: 'r' | 'rw' | 'rx';
	flags?: 'shared' | 'private';
	open?: 'r' | 'rw';
};
export type UnmapStep = { op: 'unmap'; map: string };
export type GetReaderStep = { op: 'getReader'; cpu: number };
export type ReadMetaStep = { op: 'readMeta'; map: string };
export type ReadMappedStep = { op: 'readMapped'; map: string };
export type SnapshotArmStep = { op: 'snapshotArm' };
export type SnapshotFreeStep = { op: 'snapshotFree' };
export type SnapshotStep = { op: 'snapshot'; cpu: number };
export type FaultStep = { op: 'fault'; alloc: number; after?: number };
export type SpawnableStep = WriteStep | ConsumeStep | ReadPageStep | GetReaderStep | SnapshotStep;
export type SpawnStep = { op: 'spawn'; as: string; cpu: number; ctx: CtxName; do: SpawnableStep };
export type StepStep = { op: 'step'; ctx: string; n?: number };
export type FinishStep = { op: 'finish'; ctx: string };

export type Step = (
	| WriteStep
	| ClockStep
	| ConsumeStep
	| ReadPageStep
	| ResizeStep
	| SubbufOrderStep
	| ResetStep
	| TracingStep
	| SpawnStep
	| StepStep
	| FinishStep
	| MapStep
	| UnmapStep
	| GetReaderStep
	| ReadMetaStep
	| ReadMappedStep
	| SnapshotArmStep
	| SnapshotFreeStep
	| SnapshotStep
	| FaultStep
) &
	Expectable;

export type OpName = Step['op'];

const FIELDS: Record<OpName, readonly string[]> = {
	write: ['cpu', 'payload', 'size', 'ctx', 'at', 'deltaNs', 'repeat'],
	clock: ['advanceNs', 'setNs'],
	consume: ['cpu', 'count'],
	readPage: ['cpu'],
	resize: ['cpu', 'subbufs'],
	subbufOrder: ['order'],
	reset: ['cpu'],
	tracing: ['on'],
	spawn: ['as', 'cpu', 'ctx', 'do'],
	step: ['ctx', 'n'],
	finish: ['ctx'],
	map: ['cpu', 'as', 'offset', 'length', 'prot', 'flags', 'open'],
	unmap: ['map'],
	getReader: ['cpu'],
	readMeta: ['map'],
	readMapped: ['map'],
	snapshotArm: [],
	snapshotFree: [],
	snapshot: ['cpu'],
	fault: ['alloc', 'after']
};

/** Which operation each kind of context runs. */
export const SPAWNABLE: Record<CtxName, readonly OpName[]> = {
	task: ['write'],
	irq: ['write'],
	nmi: ['write'],
	reader: ['consume', 'readPage'],
	user: ['getReader'],
	swap: ['snapshot']
};

export const OP_NAMES = Object.keys(FIELDS) as OpName[];

/** The fields an operation takes besides `op` and `expect`, in the order the spec lists them. */
export function opFields(op: OpName): readonly string[] {
	return FIELDS[op];
}

function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const BIG = 2 ** 53 - 1;

/** Checks one step against the format and the config (CPU numbers); returns it typed. */
export function validateStep(raw: unknown, path: string, config: RingConfig): Step {
	if (!isObject(raw)) throw new FormatError(path, 'a step must be an object');
	const op = raw.op;
	if (typeof op !== 'string' || !Object.hasOwn(FIELDS, op))
		throw new FormatError(`${path}.op`, `unknown op (known: ${OP_NAMES.join(', ')})`);
	const fields = FIELDS[op as OpName];
	for (const k of Object.keys(raw)) {
		if (k !== 'op' && k !== 'expect' && !fields.includes(k))
			throw new FormatError(`${path}.${k}`, `is not a field of "${op}"`);
	}
	if (raw.expect !== undefined && !isObject(raw.expect))
		throw new FormatError(`${path}.expect`, 'must be an object');
	const cpu = (req: boolean) => {
		if (raw.cpu === undefined) {
			if (req) throw new FormatError(`${path}.cpu`, 'is required');
			return;
		}
		expectInt(raw.cpu, `${path}.cpu`, 0, config.cpus - 1);
	};
	const oneOf = (k: string, values: string[]) => {
		if (raw[k] !== undefined && !values.includes(raw[k] as string))
			throw new FormatError(
				`${path}.${k}`,
				`must be ${values.map((v) => `"${v}"`).join(', ')}`
			);
	};
	const optInt = (k: string, min: number, max: number) => {
		if (raw[k] !== undefined) expectInt(raw[k], `${path}.${k}`, min, max);
	};
	switch (op as OpName) {
		case 'write': {
			cpu(true);
			if (raw.payload !== undefined && raw.size !== undefined)
				throw new FormatError(`${path}.size`, 'give either payload or size, not both');
			if (raw.payload !== undefined) checkPayload(raw.payload, `${path}.payload`);
			optInt('size', 0, MAX_PAYLOAD_BYTES);
			if (
				raw.ctx !== undefined &&
				raw.ctx !== 'task' &&
				raw.ctx !== 'irq' &&
				raw.ctx !== 'nmi'
			)
				throw new FormatError(`${path}.ctx`, 'must be "task", "irq" or "nmi"');
			if (raw.at !== undefined && raw.deltaNs !== undefined)
				throw new FormatError(`${path}.deltaNs`, 'give either at or deltaNs, not both');
			optInt('at', 0, BIG);
			optInt('deltaNs', 0, BIG);
			optInt('repeat', 1, 1_000_000);
			break;
		}
		case 'clock':
			if ((raw.advanceNs === undefined) === (raw.setNs === undefined))
				throw new FormatError(path, 'give exactly one of advanceNs or setNs');
			optInt('advanceNs', 0, BIG);
			optInt('setNs', 0, BIG);
			break;
		case 'consume':
			cpu(true);
			optInt('count', 1, BIG);
			break;
		case 'readPage':
		case 'reset':
			cpu(true);
			break;
		case 'resize':
			if (raw.cpu !== 'all') cpu(true);
			expectInt(raw.subbufs, `${path}.subbufs`, 0, BIG);
			break;
		case 'subbufOrder':
			expectInt(raw.order, `${path}.order`, -BIG, BIG);
			break;
		case 'tracing':
			expectBool(raw.on, `${path}.on`);
			break;
		case 'map': {
			cpu(true);
			if (typeof raw.as !== 'string' || raw.as === '')
				throw new FormatError(`${path}.as`, 'must be a name');
			optInt('offset', 0, BIG);
			optInt('length', 0, BIG);
			oneOf('prot', ['r', 'rw', 'rx']);
			oneOf('flags', ['shared', 'private']);
			oneOf('open', ['r', 'rw']);
			break;
		}
		case 'unmap':
		case 'readMeta':
		case 'readMapped':
			if (typeof raw.map !== 'string')
				throw new FormatError(`${path}.map`, 'must be a mapping name');
			break;
		case 'getReader':
		case 'snapshot':
			cpu(true);
			break;
		case 'snapshotArm':
		case 'snapshotFree':
			break;
		case 'fault':
			expectInt(raw.alloc, `${path}.alloc`, 0, 1000);
			optInt('after', 0, 1000);
			break;
		case 'spawn': {
			if (typeof raw.as !== 'string' || raw.as === '')
				throw new FormatError(`${path}.as`, 'must be a name');
			cpu(true);
			if (!CTX_NAMES.includes(raw.ctx as CtxName))
				throw new FormatError(`${path}.ctx`, `must be one of ${CTX_NAMES.join(', ')}`);
			const inner = validateStep(raw.do, `${path}.do`, config);
			const allowed = SPAWNABLE[raw.ctx as CtxName];
			if (!allowed.includes(inner.op))
				throw new FormatError(
					`${path}.do.op`,
					`a ${String(raw.ctx)} context runs ${allowed.map((o) => `"${o}"`).join(' or ')}`
				);
			if ('repeat' in inner && inner.repeat !== undefined)
				throw new FormatError(`${path}.do.repeat`, 'a context runs one operation');
			if ((inner as { cpu: number }).cpu !== raw.cpu)
				throw new FormatError(`${path}.do.cpu`, "must be the context's cpu");
			break;
		}
		case 'step':
			if (typeof raw.ctx !== 'string')
				throw new FormatError(`${path}.ctx`, 'must be a context name');
			optInt('n', 1, 1_000_000);
			break;
		case 'finish':
			if (typeof raw.ctx !== 'string')
				throw new FormatError(`${path}.ctx`, 'must be a context name');
			break;
	}
	return raw as unknown as Step;
}
