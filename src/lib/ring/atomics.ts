/**
 * The only file that calls Atomics. Every access to a word another context may change at the same
 * moment (a link with its flags, a page's write index, the tail pointer) goes through here, so one
 * place says which accesses are atomic read-modify-writes (the kernel's cmpxchg and local_add).
 * Atomics work on non-shared Int32Arrays too, so the engine runs the same in Node tests and over a
 * SharedArrayBuffer in a Worker.
 */

/** cmpxchg: stores `replacement` if the word holds `expected`; returns the value that was there. */
export function cmpxchg(a: Int32Array, i: number, expected: number, replacement: number): number {
	return Atomics.compareExchange(a, i, expected | 0, replacement | 0);
}

/** local_add_return: adds and returns the new value (wrapping at 32 bits). */
export function addReturn(a: Int32Array, i: number, delta: number): number {
	return (Atomics.add(a, i, delta | 0) + delta) | 0;
}

export function load(a: Int32Array, i: number): number {
	return Atomics.load(a, i);
}

export function store(a: Int32Array, i: number, v: number): void {
	Atomics.store(a, i, v | 0);
}
