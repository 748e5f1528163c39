/**
 * Seek time of the timeline (issue 6): a 100,000-entry history of the default config (writes by a
 * task with IRQ and NMI writers nested inside it, each stepped one atomic step at a time, consumes,
 * and GET_READER through a mapping), then seeks to random positions. Prints the build time, the
 * median and p95 seek in ms, and what the checkpoints hold. Env: BENCH_SEEK_STEPS (100000),
 * BENCH_SEEKS (200).
 */
import { Timeline } from '../src/lib/session/timeline.ts';

/** A deterministic pseudo-random sequence (xorshift32), so every run builds the same history. */
function rng(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 2 ** 32;
	};
}

/** Builds the history: returns the timeline and how long building took. */
export function buildHistory(steps: number): { tl: Timeline; ms: number } {
	const tl = new Timeline({});
	const r = rng(6);
	const t0 = performance.now();
	const write = (ctx: string) => ({ op: 'write', cpu: 0, size: 8 + Math.floor(r() * 120), ctx });
	tl.apply({ op: 'map', cpu: 0, as: 'm' });
	let k = 0;
	// The nesting stack of contexts stepped one atomic step at a time: task, then irq, then nmi.
	const stack: string[] = [];
	while (tl.length < steps) {
		const roll = r();
		if (stack.length === 0) {
			if (roll < 0.08) tl.apply({ op: 'consume', cpu: 0, count: 1 + Math.floor(r() * 4) });
			else if (roll < 0.1) tl.apply({ op: 'getReader', cpu: 0 });
			else if (roll < 0.12) tl.apply(write('task'));
			else {
				const name = `t${k++}`;
				tl.apply({ op: 'spawn', as: name, cpu: 0, ctx: 'task', do: write('task') });
				stack.push(name);
			}
			continue;
		}
		const top = stack.at(-1)!;
		if (stack.length < 3 && roll < 0.04) {
			const ctx = stack.length === 1 ? 'irq' : 'nmi';
			const name = `${ctx}${k++}`;
			tl.apply({ op: 'spawn', as: name, cpu: 0, ctx, do: write(ctx) });
			stack.push(name);
			continue;
		}
		const res = tl.apply({ op: 'step', ctx: top }).result;
		if (!res.ok) throw new Error(`bench history: ${res.message}`);
		if (res.done) stack.pop();
	}
	return { tl, ms: performance.now() - t0 };
}

function quantile(sorted: number[], q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function seekBench(env: NodeJS.ProcessEnv = process.env): string {
	const steps = Number(env.BENCH_SEEK_STEPS ?? 100_000);
	const seeks = Number(env.BENCH_SEEKS ?? 200);
	const heap0 = process.memoryUsage().heapUsed;
	const { tl, ms } = buildHistory(steps);
	const heap = process.memoryUsage().heapUsed - heap0;
	const r = rng(42);
	const times: number[] = [];
	for (let i = 0; i < seeks; i++) {
		const n = Math.floor(r() * (tl.length + 1));
		const t = performance.now();
		tl.seek(n);
		times.push(performance.now() - t);
	}
	times.sort((a, b) => a - b);
	const cps = tl.checkpointStats;
	const marks = [...Array(tl.length).keys()].filter((i) => tl.entry(i)!.marks.length).length;
	return [
		'## Timeline seek (issue 6)',
		'',
		`history: ${tl.length} entries of the default config (task writers with nested irq/nmi stepped one atomic step at a time, consumes, GET_READER), built in ${(ms / 1000).toFixed(1)} s; ${marks} entries carry a mark`,
		`memory: about ${(heap / 2 ** 20).toFixed(0)} MiB of heap for the history (entries, results, step records, checkpoints)`,
		`checkpoints: ${cps.count} of ${cps.bytes / cps.count} bytes (${(cps.bytes / 2 ** 20).toFixed(1)} MiB), one every ${cps.every} atomic steps`,
		`seek to ${seeks} random positions: median ${quantile(times, 0.5).toFixed(2)} ms, p95 ${quantile(times, 0.95).toFixed(2)} ms, max ${times.at(-1)!.toFixed(2)} ms (goal: under 50 ms)`
	].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(seekBench());
