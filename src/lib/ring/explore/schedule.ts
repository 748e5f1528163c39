/**
 * Schedules as scenarios: the moves the explorer found, written as the plain steps `ringlab run`
 * replays (spawn, step with n), after the setup, so that a violation replays to the same failure.
 */
import type { Scenario } from '../scenario';
import type { Step } from '../steps';
import { interruptSpawn, type ExploreSetup, type ExploreViolation, type Move } from './explore';

/** The moves as scenario steps: runs of one context merged into `step` with `n`. */
export function scheduleSteps(moves: readonly Move[], split: ExploreSetup): Step[] {
	const out: Step[] = [];
	for (const m of moves) {
		if (m.interrupt) {
			out.push(interruptSpawn(split.interrupts.find((i) => i.as === m.ctx)!));
		}
		const prev = out[out.length - 1];
		if (prev?.op === 'step' && prev.ctx === m.ctx) prev.n = (prev.n ?? 1) + 1;
		else out.push({ op: 'step', ctx: m.ctx });
	}
	return out;
}

/** A schedule in words: "writer, swap x4, irq lands, ...". */
export function describeSchedule(moves: readonly Move[]): string {
	const parts: string[] = [];
	let run = 0;
	let lands = false;
	moves.forEach((m, i) => {
		if (run === 0) lands = m.interrupt === true;
		run++;
		const next = moves[i + 1];
		if (next && !next.interrupt && next.ctx === m.ctx) return;
		parts.push(`${m.ctx}${lands ? ' (lands)' : ''}${run > 1 ? ` x${run}` : ''}`);
		run = 0;
	});
	return parts.length ? parts.join(', ') : '(the setup)';
}

/**
 * A plain scenario that replays violation `v`: the setup, its schedule, and (for a violation at an
 * end state) the tail steps. A warning is turned into a failed expectation: the step that warned
 * expects no warnings, so `ringlab run` exits 1 there.
 */
export function violationScenario(
	scenario: Scenario,
	split: ExploreSetup,
	v: ExploreViolation
): Scenario {
	const steps = [...split.setup, ...scheduleSteps(v.schedule, split)];
	if (v.at === 'end')
		steps.push(
			...split.tail.map((s) =>
				v.kind === 'warning' ? { ...s, expect: { ...s.expect, warnings: [] } } : s
			)
		);
	else if (v.kind === 'warning') {
		const last = steps[steps.length - 1]!;
		steps[steps.length - 1] = { ...last, expect: { warnings: [] } };
	}
	return {
		ringlab: 1,
		title: `explore found: ${v.message}`,
		description: `Written by ringlab explore from "${scenario.title ?? 'a scenario'}": ${describeSchedule(v.schedule)}.`,
		config: scenario.config,
		steps
	};
}
