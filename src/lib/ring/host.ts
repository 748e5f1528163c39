/**
 * The engine side of the Worker protocol: handle(command) -> reply, pure and testable in Node.
 * Owns one Simulation. With the shared transport its state is a SharedArrayBuffer the page reads
 * in place; a re-layout (resize, sub-buffer order, snapshot allocation) hands the page the new
 * one. With the copying transport every reply carries a copy of the state.
 */
import { PROTOCOL_VERSION, type Command, type Reply, type Transport } from './protocol';
import { Simulation } from './simulation';

export class EngineHost {
	private sim: Simulation | null = null;
	private transport: Transport = 'copy';

	get simulation(): Simulation | null {
		return this.sim;
	}

	handle(cmd: Command): Reply {
		try {
			if (cmd.type === 'init') {
				if (cmd.version !== PROTOCOL_VERSION)
					return {
						type: 'error',
						id: cmd.id,
						message: `protocol ${cmd.version} is not ${PROTOCOL_VERSION}`
					};
				this.transport = cmd.transport;
				this.sim = new Simulation(cmd.config, cmd.transport === 'shared');
				return {
					type: 'ready',
					id: cmd.id,
					version: PROTOCOL_VERSION,
					transport: this.transport,
					state: this.stateToSend(),
					maps: [...this.sim.maps.values()]
				};
			}
			const sim = this.sim;
			if (!sim)
				return { type: 'error', id: cmd.id, message: 'the engine is not initialised' };
			const before = sim.ring.buf;
			const steps = cmd.type === 'apply' ? [cmd.step] : cmd.steps;
			const results = steps.map((s) => sim.apply(s));
			const moved = sim.ring.buf !== before;
			const maps = [...sim.maps.values()];
			return this.transport === 'copy' || moved
				? { type: 'result', id: cmd.id, results, state: this.stateToSend(), maps }
				: { type: 'result', id: cmd.id, results, maps };
		} catch (e) {
			return { type: 'error', id: cmd.id, message: (e as Error).message };
		}
	}

	/** The state as the transport sends it: the SAB itself, or a copy. */
	private stateToSend(): SharedArrayBuffer | ArrayBuffer {
		const buf = this.sim!.ring.buf;
		return this.transport === 'shared' ? buf : (buf as ArrayBuffer).slice(0);
	}
}
