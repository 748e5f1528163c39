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

/**
 * local_read: a word only the contexts of its own CPU write (the tail page, a page's write index
 * and entries). In ringlab all contexts of a CPU run on the one thread that owns that CPU (the
 * engine's stepped contexts, or one writer Worker), so a plain load is exactly what the kernel's
 * local_t gives: atomic against interrupts on the same CPU, nothing more.
 */
export function localRead(a: Int32Array, i: number): number {
	return a[i]!;
}

/**
 * local_add_return: like localRead, raced only by the CPU's own contexts, which never run in the
 * middle of one JavaScript statement; the kernel's local_t on x86 has no LOCK prefix either.
 * Adds and returns the new value (wrapping at 32 bits).
 */
export function localAddReturn(a: Int32Array, i: number, delta: number): number {
	const v = (a[i]! + delta) | 0;
	a[i] = v;
	return v;
}
