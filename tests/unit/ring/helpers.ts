// Test helpers: drive a Simulation step by step and read its state.
import { expect } from 'vitest';
import { Simulation, type ConfigInput, type StepResult } from '../../../src/lib/ring';

export function ok(r: StepResult): StepResult {
	if (!r.ok) throw new Error(`refused: ${r.errno} ${r.message}`);
	return r;
}

export class Driver {
	sim: Simulation;
	constructor(config: ConfigInput = {}) {
		this.sim = new Simulation(config);
	}
	get cpu() {
		return this.sim.state().cpus[0]!;
	}
	/** Flag on page p's own next link (it describes the page p points to). */
	link(p: number) {
		return this.cpu.pages[p]!.link;
	}
	write(size: number, extra: Record<string, unknown> = {}) {
		return ok(this.sim.apply({ op: 'write', cpu: 0, size, ...extra }));
	}
	spawnWriter(name: string, ctx: 'task' | 'irq' | 'nmi', size: number) {
		return ok(
			this.sim.apply({
				op: 'spawn',
				as: name,
				cpu: 0,
				ctx,
				do: { op: 'write', cpu: 0, size }
			})
		);
	}
	spawnReader(name: string, count?: number) {
		const d =
			count === undefined ? { op: 'consume', cpu: 0 } : { op: 'consume', cpu: 0, count };
		return ok(this.sim.apply({ op: 'spawn', as: name, cpu: 0, ctx: 'reader', do: d }));
	}
	step(name: string) {
		const r = ok(this.sim.apply({ op: 'step', ctx: name }));
		return (r.steps as { label: string }[])[0]!.label;
	}
	/** Steps `name` until the step just taken has a label starting with `prefix`; returns how many. */
	stepThrough(name: string, prefix: string, limit = 200): number {
		for (let i = 1; i <= limit; i++) if (this.step(name).startsWith(prefix)) return i;
		throw new Error(`${name} never took a step "${prefix}"`);
	}
	finish(name: string) {
		return ok(this.sim.apply({ op: 'finish', ctx: name }));
	}
	/** Ring in next order starting from the head page. */
	ring() {
		return this.cpu.ring;
	}
	flags() {
		return this.cpu.pages.map((p) => p.link);
	}
	expectPointers(p: { head?: number; tail?: number; commit?: number; reader?: number }) {
		const c = this.cpu;
		expect({ head: c.head, tail: c.tail, commit: c.commit, reader: c.reader }).toMatchObject(p);
	}
}
