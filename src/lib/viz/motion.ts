// Which drawing moves are still running: every d3 transition the drawing starts is followed here,
// so the page can tell when nothing moves any more (`window.ringlab.idle()`, data-engine=idle).
let running = 0;
let waiting: (() => void)[] = [];
const listeners = new Set<() => void>();

/** Follows `t` until it ends, is interrupted or is cancelled; returns it. */
export function follow<T extends { empty(): boolean; end(): Promise<void> }>(t: T): T {
	if (t.empty()) return t;
	running++;
	notify();
	void t
		.end()
		.catch(() => undefined)
		.then(() => {
			running--;
			if (!running) {
				const done = waiting;
				waiting = [];
				for (const resolve of done) resolve();
			}
			notify();
		});
	return t;
}

/** Whether a drawing move is running now. */
export function moving(): boolean {
	return running > 0;
}

/** Resolves once no drawing move is running. */
export function settled(): Promise<void> {
	return running ? new Promise((resolve) => waiting.push(resolve)) : Promise.resolve();
}

/** Calls `fn` whenever a move starts or the last one ends; returns how to stop. */
export function onMotion(fn: () => void): () => void {
	listeners.add(fn);
	return () => listeners.delete(fn);
}

function notify(): void {
	for (const fn of listeners) fn();
}
