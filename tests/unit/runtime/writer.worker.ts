// A free-running writer thread for the stress test: writes `count` stamped events on `cpu` into
// the shared engine state, then sets its done flag (Atomics) with what it wrote.
import { parentPort, workerData } from 'node:worker_threads';
import { runFreeWriter } from '../../../src/lib/ring/free-run';
import { wrapRing } from '../../../src/lib/ring/ring';

const { sab, flags, cpu, count, size } = workerData as {
	sab: SharedArrayBuffer;
	flags: SharedArrayBuffer;
	cpu: number;
	count: number;
	size: number;
};
const ring = wrapRing(sab);
const done = new Int32Array(flags);
Atomics.wait(done, 8, 0, 50); // let every thread start before writing
const r = runFreeWriter(ring, cpu, count, size);
parentPort!.postMessage(r);
Atomics.store(done, cpu, r.written + 1);
