// The lab's command builders: each control's scenario step (spec §2), the names the lab gives new
// mappings and contexts, and which context Step runs. Pure: no state, no engine.
import type { ContextInfo, Mapping, Step, StepResult } from '$lib/ring';
import type { Scenario } from '$lib/session';
import type { MarkAt, TimelineView } from '$lib/worker/protocol';
import type { LabSetup, SpawnSpec, WriterContext } from './lab-types';

/** A write of `size` bytes from `ctx` on `cpu`; a burst when `repeat` > 1. */
export function writeStep(cpu: number, size: number, ctx: WriterContext, repeat = 1): Step {
	const step: Step = { op: 'write', cpu, size, ctx };
	return repeat > 1 ? { ...step, repeat } : step;
}

/** A consume of `count` events from `cpu` (all it can when 0 or absent). */
export function consumeStep(cpu: number, count?: number): Step {
	return { op: 'consume', cpu, ...(count ? { count } : {}) };
}

/** A step of context `name`: `n` atomic steps (one when absent). */
export function stepOf(name: string, n = 1): Step {
	return n > 1 ? { op: 'step', ctx: name, n } : { op: 'step', ctx: name };
}

/** Runs context `name` to its end. */
export function finishStep(name: string): Step {
	return { op: 'finish', ctx: name };
}

/** Starts the context `spec` describes as `as`, paused before its first atomic step. */
export function spawnStep(spec: SpawnSpec, as: string): Step {
	return { op: 'spawn', as, cpu: spec.cpu, ctx: spec.ctx, do: spec.do } as Step;
}

/** The first free mapping name of `cpu`: cpuN, then cpuN.2, cpuN.3... */
export function freeMapName(maps: readonly Mapping[], cpu: number): string {
	for (let k = 1; ; k++) {
		const name = k === 1 ? `cpu${cpu}` : `cpu${cpu}.${k}`;
		if (!maps.some((m) => m.name === name)) return name;
	}
}

/** The first free context name of kind `ctx` among `contexts`: ctx1, ctx2... */
export function freeContextName(contexts: readonly ContextInfo[], ctx: string): string {
	const taken = contexts.map((c) => c.name);
	for (let k = 1; ; k++) if (!taken.includes(`${ctx}${k}`)) return `${ctx}${k}`;
}

/** The context Step runs: the innermost runnable one (the deepest; the last of equals). */
export function nextRunnable(contexts: readonly ContextInfo[]): ContextInfo | undefined {
	return contexts
		.filter((c) => !c.blocked)
		.reduce<ContextInfo | undefined>(
			(best, c) => (!best || c.depth >= best.depth ? c : best),
			undefined
		);
}

/** Whether Step has anything to do: nothing `hold`s it, and a kept future or a context can run. */
export function canStep(t: TimelineView, hold: string | null): boolean {
	return !hold && (t.position < t.length || t.contexts.some((c) => !c.blocked));
}

/** Why a step was refused, in the words the page shows. */
export function refusalOf(res: StepResult): string {
	return res.message ?? res.errno ?? 'refused';
}

/** The next (or previous) position with an interesting moment of `kinds` (all when empty). */
export function markAfter(
	marks: readonly MarkAt[],
	from: number,
	kinds: readonly string[] = [],
	dir: 1 | -1 = 1
): number {
	const fits = (m: MarkAt) => !kinds.length || m.kinds.some((k) => kinds.includes(k));
	const list = marks.filter(fits).map((m) => m.position);
	return dir > 0
		? (list.find((p) => p > from) ?? -1)
		: (list.filter((p) => p < from).at(-1) ?? -1);
}

/** The machine a scenario's config builds. */
export function setupOf(c: Scenario['config']): LabSetup {
	return {
		kernel: c.kernel,
		cpus: c.cpus,
		subbufsPerCpu: c.subbufsPerCpu,
		subbufOrder: c.subbufOrder,
		overwrite: c.overwrite
	};
}
