// The engine's answers to a kernel scenario, step by step (ok, errno, and a hash of the whole
// result), with the final state's hash: what `engine-verified/*.json` stores for the scenarios that
// this machine's kernel refuses (order changes) and that have no stored kernel record. Those files
// were written from the engine at the commit whose live `kernel diff` found no difference on a
// kernel that allowed order changes (see tests/kernel/engine-verified/README.md).
import { createHash } from 'node:crypto';
import { runScenario, type Scenario } from '../../../src/lib/ring';

export interface VerifiedStep {
	index: number;
	op: string;
	ok: boolean;
	errno?: string;
	sha256: string;
}

export interface VerifiedRun {
	scenario: string;
	verifiedOn: string;
	steps: VerifiedStep[];
	finalState: string;
}

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

export function engineAnswers(s: Scenario): { steps: VerifiedStep[]; finalState: string } {
	const run = runScenario(s);
	const steps = run.outcomes.map((o): VerifiedStep => {
		const { ok, errno } = o.result;
		return {
			index: o.index,
			op: o.step.op,
			ok,
			...(errno ? { errno } : {}),
			sha256: sha(JSON.stringify(o.result))
		};
	});
	return { steps, finalState: sha(new Uint8Array(run.sim.ring.buf)) };
}
