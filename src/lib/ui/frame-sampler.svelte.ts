// What the page draws, read from the engine's state in place (an mmap consumer's view: it can be
// late while writer threads write): the rings, the snapshot buffer, the mappings and every mapped
// CPU's meta page. While the continuous writer runs, each animation frame re-reads only a few
// CPUs' rings (ringsPerFrame), and every READOUT_MS the numbers instead.
import {
	describeCpu,
	describeRing,
	describeSnapshot,
	readMetaPage,
	writerProgress,
	type CpuState,
	type Mapping,
	type MetaFields,
	type Ring,
	type RingState
} from '$lib/ring';
import { READOUT_MS, ringsPerFrame } from './cadence';

export class FrameSampler {
	/** null until the engine Worker has answered. */
	state: RingState = $state.raw(null!);
	/**
	 * What the rings draw, one entry per CPU: `state.cpus` when the lab is still, re-read a few
	 * CPUs per frame while the continuous writer runs (an unchanged entry is not redrawn).
	 */
	rings: readonly CpuState[] = $state.raw([]);
	/** The snapshot buffer (what the last snapshot swap took out), null while none is allocated. */
	snapshotBuffer: RingState | null = $state.raw(null);
	maps: Mapping[] = $state.raw([]);
	/** Each mapped CPU's meta page as user space reads it now (stale between updates, by design). */
	meta: readonly (MetaFields | undefined)[] = $state.raw([]);
	/** When the numbers were last re-read while the writer runs (performance.now()). */
	#readoutAt = 0;
	/** The first CPU whose ring the next frame may re-read. */
	#nextRing = 0;
	/** `writerProgress` of each CPU when its ring was last re-read, and the frame it was. */
	#drawnWrites: number[] = [];
	#drawnAt: number[] = [];
	/** Frames drawn since the sampler was made (see frame). */
	#frames = 0;

	/**
	 * Re-reads everything (the rings too unless `rings` is false) from `ring`, with the mappings
	 * `maps` and their meta pages read through them, as user space reads them.
	 */
	sample(ring: Ring, maps: Mapping[], rings = true): void {
		this.state = describeRing(ring);
		this.snapshotBuffer = describeSnapshot(ring);
		if (rings) {
			this.rings = this.state.cpus;
			this.#drawnWrites = this.rings.map((c) => writerProgress(ring, c.cpu));
		}
		this.#readoutAt = performance.now();
		this.maps = maps;
		const meta: (MetaFields | undefined)[] = [];
		for (const m of maps)
			if (m.pgoff === 0 && !meta[m.cpu]) meta[m.cpu] = readMetaPage(ring, m);
		this.meta = meta;
	}

	/**
	 * One animation frame while the continuous writer runs: the next few CPUs' rings (see
	 * ringsPerFrame), or, every READOUT_MS, the numbers instead (then it returns true: the
	 * caller re-reads what follows from them).
	 */
	frame(ring: Ring, maps: Mapping[]): boolean {
		const n = ring.L.cpus;
		if (this.rings.length !== n) return (this.sample(ring, maps), true);
		// A frame that re-reads the numbers leaves the rings as they are: no frame does both.
		if (performance.now() - this.#readoutAt >= READOUT_MS)
			return (this.sample(ring, maps, false), true);
		const rings = [...this.rings];
		const turn = ringsPerFrame(n, Math.max(...rings.map((c) => c.nrPages)));
		// Each ring at most once in its share of the frames (a ring a writer fills flat out
		// changes all its sectors), and only when writers moved it since it was drawn.
		const share = Math.ceil(n / turn);
		const frame = ++this.#frames;
		let drawn = 0;
		let k = 0;
		for (; k < n && drawn < turn; k++) {
			const c = (this.#nextRing + k) % n;
			if (frame - (this.#drawnAt[c] ?? -Infinity) < share) continue;
			const writes = writerProgress(ring, c);
			if (writes === this.#drawnWrites[c]) continue;
			this.#drawnWrites[c] = writes;
			this.#drawnAt[c] = frame;
			rings[c] = describeCpu(ring, c);
			drawn++;
		}
		this.#nextRing = (this.#nextRing + k) % n;
		if (drawn) this.rings = rings;
		return false;
	}
}
