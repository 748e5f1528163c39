/**
 * `npm run bench` (issue 4): the engine's write path, page consumption and cross-thread transports
 * measured side by side with our own baselines in one run, printed as median events/s and ratios.
 * Then the timeline's seek time over a 100,000-step history (issue 6, timeline-seek.ts), a plain
 * step's cost against the state's size (issue 17, step-cost.ts), and explore's states per second
 * against restoring and hashing one state (issue 15, explore.ts).
 * Never a test, it only prints. Env: BENCH_ROUNDS (5), BENCH_MS (400), BENCH_SIZES (16,64,256),
 * BENCH_ONLY (key prefixes, e.g. engine-cross,handoff: only those scenarios).
 */
import os from 'node:os';
import { bareScenarios } from './bare-encode.ts';
import { engineCrossScenario } from './engine-cross.ts';
import { engineDrainScenario } from './engine-drain.ts';
import { engineScenarios } from './engine-write.ts';
import { optionsFromEnv, runAll, type Entry } from './harness.ts';
import { postMessageScenarios } from './post-message.ts';
import { report } from './report.ts';
import { ringbufScenarios } from './ringbuf.ts';
import { handoffScenarios } from './sab-handoff.ts';
import { seekBench } from './timeline-seek.ts';
import { stepCostBench } from './step-cost.ts';
import { exploreBench } from './explore.ts';
import { closeWorkers } from './workers.ts';

const opt = optionsFromEnv();
const loadBefore = os.loadavg();
const entries: Entry[] = opt.sizes.flatMap((payload) => [
	...bareScenarios(payload),
	...engineScenarios(payload),
	...handoffScenarios(payload),
	...postMessageScenarios(payload),
	...ringbufScenarios(payload),
	engineDrainScenario(payload),
	engineCrossScenario(payload, 'synthetic'),
	engineCrossScenario(payload, 'real'),
	engineCrossScenario(payload, 'synthetic', true),
	engineCrossScenario(payload, 'real', true)
]);
const t0 = performance.now();
try {
	const measured = await runAll(entries, opt);
	console.log(report(entries, measured, opt, loadBefore));
	console.log(`\n${seekBench()}`);
	console.log(`\n${stepCostBench()}`);
	console.log(`\n${exploreBench()}`);
	console.log(`\n(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
} finally {
	await closeWorkers();
}
