/**
 * The C helper of `ringlab kernel run` (helper.c): compiled by gcc at first use into a cache
 * directory keyed by the source's hash, then driven over a line protocol (one command per line on
 * its stdin, one reply per line on its stdout). Node cannot mmap, ioctl or pin a thread to a CPU;
 * the helper can. When its stdin closes, the helper unmaps and closes everything and removes the
 * instance directory it was given, so an instance never outlives the runner process.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'helper.c');

/** A failed helper command: the kernel's errno, by number and name. */
export interface HelperError {
	errno: number;
	name: string;
	/** Words after the errno name (a failed write still reports its clock readings). */
	rest: string[];
}

const ERRNO_NAMES = new Map<number, string>();
// The first name of a number wins: EAGAIN before EWOULDBLOCK, EOPNOTSUPP before ENOTSUP.
for (const [name, n] of Object.entries(constants.errno))
	if (!ERRNO_NAMES.has(n) || name === 'EOPNOTSUPP') ERRNO_NAMES.set(n, name);

/** The errno's name (EBADF, ...), as Node knows them for this platform. */
export function errnoName(n: number): string {
	return ERRNO_NAMES.get(n) ?? `errno ${n}`;
}

/** Where compiled helpers live: $XDG_CACHE_HOME/ringlab or ~/.cache/ringlab. */
export function cacheDir(): string {
	return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ringlab');
}

/**
 * Compiles helper.c once (per source version) and returns the binary's path, or throws with gcc's
 * message. Compiles to a temporary name and renames, so parallel runs never see half a binary.
 */
export function buildHelper(): string {
	const src = readFileSync(SOURCE);
	const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
	const dir = cacheDir();
	const bin = join(dir, `kernel-helper-${hash}`);
	if (existsSync(bin)) return bin;
	mkdirSync(dir, { recursive: true });
	const tmp = `${bin}.${process.pid}.tmp`;
	const r = spawnSync('gcc', ['-Wall', '-Wextra', '-O2', '-o', tmp, SOURCE], {
		encoding: 'utf8'
	});
	if (r.error) throw new Error(`cannot run gcc: ${r.error.message}`);
	if (r.status !== 0) throw new Error(`gcc could not build the kernel helper:\n${r.stderr}`);
	renameSync(tmp, bin);
	return bin;
}

/** A running helper for one instance. Calls are answered in order. */
export class Helper {
	private readonly child: ChildProcessWithoutNullStreams;
	private readonly waiting: ((line: string) => void)[] = [];
	private readonly lines: string[] = [];
	private exited = false;
	private stderr = '';
	readonly pid: number;

	private constructor(child: ChildProcessWithoutNullStreams) {
		this.child = child;
		this.pid = child.pid ?? -1;
		const rl = createInterface({ input: child.stdout });
		rl.on('line', (line) => {
			const w = this.waiting.shift();
			if (w) w(line);
			else this.lines.push(line);
		});
		child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
		child.on('exit', () => {
			this.exited = true;
			for (const w of this.waiting.splice(0)) w('err 5');
		});
	}

	/** Starts the helper on an instance directory and waits for its "ready" line. */
	static async start(
		bin: string,
		instanceDir: string,
		onSpawn: (h: Helper) => void = () => {}
	): Promise<Helper> {
		const child = spawn(bin, [instanceDir], { stdio: ['pipe', 'pipe', 'pipe'] });
		const h = new Helper(child);
		onSpawn(h); // before the first await: a signal from now on can kill it
		const first = await h.next();
		if (!first.startsWith('ready'))
			throw new Error(`the kernel helper did not start: ${first} ${h.stderr}`.trim());
		return h;
	}

	private next(): Promise<string> {
		const l = this.lines.shift();
		if (l !== undefined) return Promise.resolve(l);
		if (this.exited) return Promise.resolve('err 5');
		return new Promise((resolve) => this.waiting.push(resolve));
	}

	/** Sends one command; resolves with the words after "ok", or a HelperError. */
	async call(cmd: string): Promise<string[] | HelperError> {
		if (this.exited) return { errno: 5, name: 'EIO', rest: [] };
		this.child.stdin.write(cmd + '\n');
		const line = await this.next();
		const words = line.split(' ');
		if (words[0] === 'ok') return words.slice(1);
		const errno = Number(words[1] ?? 5);
		return { errno, name: errnoName(errno), rest: words.slice(2) };
	}

	/** Like call, but a failure throws (for commands that must not fail). */
	async must(cmd: string): Promise<string[]> {
		const r = await this.call(cmd);
		if (isError(r))
			throw new Error(`kernel helper: "${cmd.slice(0, 60)}" failed with ${r.name}`);
		return r;
	}

	/** Closes stdin (the helper cleans up and exits) and waits for the exit, up to `ms`. */
	async stop(ms = 5000): Promise<void> {
		if (this.exited) return;
		const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
		this.child.stdin.end();
		const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
		await done;
		clearTimeout(timer);
	}

	/** Synchronous last resort (signal handlers): kills the helper; its files close with it. */
	kill(): void {
		if (!this.exited) this.child.kill('SIGKILL');
	}

	get running(): boolean {
		return !this.exited;
	}
}

export function isError(r: string[] | HelperError): r is HelperError {
	return !Array.isArray(r);
}
