/** Which part of the simulation applies each scenario step: one handler per op. */
import { refuse } from '../errors';
import type { Step } from '../steps';
import * as admin from './admin';
import type { OpResult, SimCore } from './core';
import * as mappings from './mappings';
import { checkCanRun } from './nesting';
import { lookup, runToEnd, stepContext } from './scheduler';
import { spawn } from './spawn';

type Handler<S> = (core: SimCore, step: S) => OpResult;
type Handlers = { [Op in Step['op']]: Handler<Extract<Step, { op: Op }>> };

/** A write with `repeat`: each write is independent, a dropped one does not stop the others. */
function write(core: SimCore, step: Extract<Step, { op: 'write' }>): OpResult {
	const n = step.repeat ?? 1;
	let last: OpResult = {};
	let failure: OpResult | null = null;
	let written = 0;
	for (let i = 0; i < n; i++) {
		last = runToEnd(core, spawn(core, step, step.ctx ?? 'task', ''));
		if (last.ok === false) failure = last;
		else written++;
	}
	const res = failure
		? { ...last, ok: false, errno: failure.errno, message: failure.message }
		: last;
	return n > 1 ? { ...res, written, dropped: n - written } : res;
}

const HANDLERS: Handlers = {
	write,
	consume: (core, step) => runToEnd(core, spawn(core, step, 'reader', '')),
	readPage: (core, step) => runToEnd(core, spawn(core, step, 'reader', '')),
	getReader: (core, step) => runToEnd(core, spawn(core, step, 'user', '')),
	clock: admin.clock,
	tracing: (core, step) => admin.tracing(core, step.on),
	reset: (core, step) => admin.reset(core, step.cpu),
	resize: (core, step) => admin.resize(core, step.cpu, step.subbufs),
	subbufOrder: (core, step) => admin.subbufOrder(core, step.order),
	fault: admin.fault,
	snapshotArm: admin.snapshotArm,
	snapshotFree: admin.snapshotFree,
	snapshot: (core, step) => admin.snapshot(core, step.cpu),
	spawn: (core, step) => {
		if (core.names.has(step.as))
			refuse('EINVAL', `a context named "${step.as}" already exists`);
		spawn(core, step.do, step.ctx, step.as);
		return { ctx: step.as };
	},
	step: (core, step) => stepContext(core, step.ctx, step.n ?? 1),
	finish: (core, step) => {
		const k = lookup(core, step.ctx);
		checkCanRun(core, k, true);
		return runToEnd(core, k);
	},
	map: mappings.map,
	unmap: (core, step) => mappings.unmap(core, step.map),
	readMeta: (core, step) => mappings.readMeta(core, step.map),
	readMapped: (core, step) => mappings.readMapped(core, step.map)
};

/** Applies a validated step; a refusal is thrown as a Refusal. */
export function dispatch(core: SimCore, step: Step): OpResult {
	return (HANDLERS[step.op] as Handler<Step>)(core, step);
}
