// How often the page re-reads and redraws while the continuous writer runs (issue 5: 60 frames
// per second with 8 CPUs of 64 sub-buffers). When the lab is still, every change is drawn at once.

/**
 * While the continuous writer runs, the numbers (counters, meta fields, the inspector, the
 * table, the ring headers) are re-read this often, in a frame of their own that redraws no ring.
 * Numbers that change 60 times a second cannot be read anyway, and re-rendering them costs
 * frames: one such frame takes longer than 16.7 ms on these 2-core machines, so they come twice
 * a second (1 frame in 30).
 */
export const READOUT_MS = 500;

/**
 * While the continuous writer runs, each other animation frame re-reads and redraws the rings of
 * as many CPUs, in turn, as hold about this many sub-buffers: a lab of up to 64 sub-buffers
 * redraws every ring every frame; 8 CPUs of 64 redraw one ring a frame, so each ring moves 7.5
 * times a second, and the page keeps 60 frames a second (`npm run bench:page`; two rings a frame
 * missed the p95 goal here). What a ring costs to draw grows with its sub-buffers (SVG objects
 * to paint), not with the events written into them.
 */
export const SUBBUFS_PER_FRAME = 64;

/** How many CPUs' rings one frame redraws while the writer runs (at least one). */
export function ringsPerFrame(cpus: number, subbufsPerCpu: number): number {
	return Math.max(1, Math.min(cpus, Math.floor(SUBBUFS_PER_FRAME / Math.max(1, subbufsPerCpu))));
}
