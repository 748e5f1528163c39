// The adversarial round against the live kernel (issue #16): N random scenarios from
// src/kernel/random-scenario.ts, each replayed with `ringlab kernel diff`'s comparison (pages,
// consumed events through trace_pipe, meta pages, stats, errnos, warnings). Prints one line per
// kind of difference with a count and writes every differing scenario to OUT.
//   npx tsx src/kernel/fuzz.ts N SEED [OUT]
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareWithEngine, formatDifference } from './compare';
import { probeKernel, refusedCapability } from './probe';
import { kernelScenarioArbFor } from './random-scenario';
import { runOnKernel } from './runner';
import { onlineCpus } from './tracefs';

const n = Number(process.argv[2] ?? 100);
const seed = Number(process.argv[3] ?? 1);
const out = process.argv[4] ?? '/tmp/ringlab-kernel-fuzz';
mkdirSync(out, { recursive: true });
const probe = await probeKernel();
const orderChanges = probe.results.find((r) => r.capability === 'subbufSize')!.allowed;
const arb = kernelScenarioArbFor({ orderChanges, order: Math.log2(probe.subbufSizeKb / 4) });
const kinds = new Map<string, number>();
let ran = 0;
let skipped = 0;
let differing = 0;
let consumed = 0;
let warned = 0;
let notCompared = 0;
const ops = new Map<string, { ok: number; refused: number }>();
const t0 = Date.now();
for (const [i, s] of fc.sample(arb, { numRuns: n, seed }).entries()) {
	if (s.config.cpus > onlineCpus() || refusedCapability(s, probe)) {
		skipped++;
		continue;
	}
	const rec = await runOnKernel(s);
	ran++;
	for (const st of rec.steps) {
		consumed += st.consumed?.length ?? 0;
		warned += st.warnings ?? 0;
		const o = ops.get(st.op) ?? { ok: 0, refused: 0 };
		if (st.ok) o.ok++;
		else o.refused++;
		ops.set(st.op, o);
	}
	const d = compareWithEngine(rec, s.config);
	notCompared += d.notCompared.length;
	if (!d.differences.length) continue;
	differing++;
	const first = d.differences[0]!;
	const kind = `${first.op}: ${first.what.replace(/\d+/g, 'N')}, ${first.field}`;
	kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
	writeFileSync(
		join(out, `${seed}-${i}.json`),
		JSON.stringify({ ...s, title: formatDifference(first) }, null, '\t')
	);
}
console.log(
	`${ran} scenarios ran on ${probe.kernel} (seed ${seed}, ${skipped} skipped), ${differing} with a difference, ${consumed} events consumed through trace_pipe, warn_count rose ${warned} times, ${notCompared} spans not compared, ${((Date.now() - t0) / 1000).toFixed(0)} s`
);
console.log(
	'  steps (ok/refused): ' + [...ops].map(([op, o]) => `${op} ${o.ok}/${o.refused}`).join(', ')
);
for (const [k, c] of kinds) console.log(`  ${c} × ${k}`);
