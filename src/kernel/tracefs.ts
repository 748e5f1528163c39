/**
 * The live kernel's tracefs, for `ringlab kernel run`: whether it can be used here (Linux, root,
 * tracefs mounted or mountable, a kernel with ring-buffer mapping, 6.10 or later, gcc), and the
 * private tracing instance a run works in: `instances/ringlab-<pid>-<random>`, created at the
 * start and removed at the end, also after a failure, an exception, SIGINT or SIGTERM. Only files
 * inside that instance are ever written; the top-level instance is only read (its trace clocks).
 */
import { spawnSync } from 'node:child_process';
import {
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmdirSync,
	writeFileSync
} from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const TRACEFS = '/sys/kernel/tracing';

/** Why the kernel cannot be used here, in one line, or null when it can. */
export function unavailableReason(): string | null {
	if (process.env.RINGLAB_NO_KERNEL) return 'RINGLAB_NO_KERNEL is set';
	if (process.platform !== 'linux') return `not Linux (${process.platform})`;
	if (process.getuid?.() !== 0) return 'not root (tracefs instances need root)';
	const m = /^(\d+)\.(\d+)/.exec(release());
	if (!m || Number(m[1]) * 1000 + Number(m[2]) < 6010)
		return `kernel ${release()} is older than 6.10 (no ring-buffer mapping)`;
	if (!existsSync(join(TRACEFS, 'instances'))) {
		if (!existsSync(TRACEFS)) return `no ${TRACEFS} (tracefs not built in)`;
		const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', TRACEFS], { encoding: 'utf8' });
		if (r.status !== 0 || !existsSync(join(TRACEFS, 'instances')))
			return `tracefs is not mounted at ${TRACEFS} and mounting it failed`;
	}
	const g = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
	if (g.status !== 0) return 'gcc is not installed (it builds the mmap/ioctl helper)';
	return null;
}

/**
 * The value a tracefs setting holds: its first word (buffer_size_kb of a buffer not yet expanded
 * reads "7 (expanded: 1408)"; the setting is the 7).
 */
export function settingValue(text: string): string {
	return text.trim().split(/\s+/)[0] ?? '';
}

/**
 * A refusal injected for tests: RINGLAB_KERNEL_REFUSE="file=ERRNO[,file=ERRNO...]" (paths relative
 * to the instance, e.g. "buffer_subbuf_size_kb=EPERM") makes every write of that file fail with
 * that errno, as a kernel that refuses it would. Returns the errno name, or null.
 */
export function injectedRefusal(rel: string): string | null {
	const spec = process.env.RINGLAB_KERNEL_REFUSE;
	if (!spec) return null;
	for (const part of spec.split(',')) {
		const [file, errno] = part.split('=');
		if (file?.trim() === rel) return errno?.trim() || 'EPERM';
	}
	return null;
}

/** Online CPUs (the scenario's CPUs must exist here). */
export function onlineCpus(): number {
	return cpus().length;
}

/** Sleeps synchronously (signal handlers cannot await). */
function sleepSync(ms: number): void {
	Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return (e as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Removes instances named ringlab-<pid>-* whose runner process is gone (both the runner and its
 * helper were killed at once, so nobody removed them). Never touches any other instance.
 */
export function sweepStale(): string[] {
	const removed: string[] = [];
	let names: string[] = [];
	try {
		names = readdirSync(join(TRACEFS, 'instances'));
	} catch {
		return removed;
	}
	for (const n of names) {
		const m = /^ringlab-(\d+)-[0-9a-f]+$/.exec(n);
		if (!m || pidAlive(Number(m[1]))) continue;
		try {
			rmdirSync(join(TRACEFS, 'instances', n));
			removed.push(n);
		} catch {
			// busy or gone: leave it
		}
	}
	return removed;
}

/** Instances of this process still present (the safety test checks it is empty afterwards). */
export function ownInstances(pid = process.pid): string[] {
	try {
		return readdirSync(join(TRACEFS, 'instances')).filter((n) =>
			n.startsWith(`ringlab-${pid}-`)
		);
	} catch {
		return [];
	}
}

/** A private tracing instance. */
export class Instance {
	readonly name: string;
	readonly dir: string;
	private removed = false;
	/** Called before removal (kills the helper so its open files do not keep the instance busy). */
	beforeRemove: (() => void) | null = null;
	private readonly onSignal = (sig: NodeJS.Signals) => {
		this.removeSync();
		process.exit(sig === 'SIGINT' ? 130 : 143);
	};
	private readonly onExit = () => this.removeSync();

	private constructor(name: string) {
		this.name = name;
		this.dir = join(TRACEFS, 'instances', name);
	}

	/** Creates `instances/ringlab-<pid>-<random>` and arranges for its removal on every exit path. */
	static create(): Instance {
		const inst = new Instance(`ringlab-${process.pid}-${randomBytes(4).toString('hex')}`);
		// The handlers first: a signal right after the mkdir must find them.
		process.on('SIGINT', inst.onSignal);
		process.on('SIGTERM', inst.onSignal);
		process.on('exit', inst.onExit);
		try {
			mkdirSync(inst.dir);
		} catch (e) {
			inst.removed = true;
			inst.unhook();
			throw e;
		}
		return inst;
	}

	path(rel: string): string {
		return join(this.dir, rel);
	}

	read(rel: string): string {
		return readFileSync(this.path(rel), 'utf8');
	}

	/**
	 * Writes a tracefs file of the instance; returns the errno name on failure. A refusal injected
	 * through RINGLAB_KERNEL_REFUSE (see injectedRefusal) answers before the kernel is asked.
	 */
	write(rel: string, value: string): string | null {
		const injected = injectedRefusal(rel);
		if (injected) return injected;
		try {
			writeFileSync(this.path(rel), value);
			return null;
		} catch (e) {
			return (e as NodeJS.ErrnoException).code ?? 'EIO';
		}
	}

	/**
	 * Sets a tracefs setting of the instance, writing only when the value it holds differs (some
	 * kernels refuse every write of a file, even of the value it already holds: Linux 6.18.44
	 * here answers EPERM to any write of buffer_subbuf_size_kb). Returns the errno name on failure.
	 */
	set(rel: string, value: string): string | null {
		if (settingValue(this.read(rel)) === settingValue(value)) return null;
		return this.write(rel, value);
	}

	/**
	 * Removes the instance (the helper must have exited, or rmdir answers EBUSY: retried for up to
	 * two seconds). Safe to call twice. Returns true when the directory is gone.
	 */
	removeSync(): boolean {
		if (!this.removed) {
			this.beforeRemove?.();
			for (let i = 0; i < 40; i++) {
				try {
					rmdirSync(this.dir);
					break;
				} catch (e) {
					const code = (e as NodeJS.ErrnoException).code;
					if (code === 'ENOENT') break;
					sleepSync(50);
				}
			}
			this.removed = !existsSync(this.dir);
			if (this.removed) this.unhook();
		}
		return this.removed;
	}

	private unhook(): void {
		process.off('SIGINT', this.onSignal);
		process.off('SIGTERM', this.onSignal);
		process.off('exit', this.onExit);
	}
}
