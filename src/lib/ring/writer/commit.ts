/**
 * Making the event readable: rb_commit counts it, rb_end_commit lets only the outermost writer of
 * the CPU move the commit (rb_set_commit_to_write walks the commit page up to the tail page and
 * publishes each page's commit index), and commits again if an interrupt slipped in after it.
 * Kernel: rb_commit, rb_end_commit, rb_set_commit_to_write
 * (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 *
 * rb_end_commit is a subroutine of three callers; it returns to the step in K_RET_PC ('unlock'
 * after a commit, 'mtRestart' after a page crossing, 'unlockFail' after a failed reservation).
 */
import { localRead } from '../atomics';
import { RB_WRITE_MASK } from '../constants';
import { K_BUFFER, K_CPU, K_STRUCT, R_COMMITS, R_MAXCOUNT } from '../context';
import {
	D_WRITE,
	S_COMMIT_PAGE,
	S_COMMITS,
	S_COMMITTING,
	S_NR_PAGES,
	S_TAIL_PAGE,
	SF_ENTRIES
} from '../layout';
import { isReaderPage, nextPage } from '../page-ring';
import { descI, structF, structOf, subbufOff, type Ring } from '../ring';
import { writeCommit } from '../subbuf';
import { O_COMMITS, O_MAXCOUNT, OUT, setStruct, type Exec, type Regs } from './exec';
import { returnTo, setReturn, W } from './steps';

/**
 * rb_commit over values: entries++ on CPU `cpu`'s buffer of `buffer`, looked up again (after a
 * racing snapshot swap it is not the struct the event was reserved in); returns that struct.
 */
export function commitAt(ring: Ring, buffer: number, cpu: number): number {
	const cs = structOf(ring, buffer, cpu);
	const CF = structF(ring, cs);
	ring.f64[CF + SF_ENTRIES] = ring.f64[CF + SF_ENTRIES]! + 1;
	return cs;
}

/** Step 'commit': entries++ on the CPU buffer. Kernel: rb_commit. */
export function rbCommit(x: Exec, r: Regs): number {
	const ri = r.i;
	const K = r.K;
	const s = ri[K + K_STRUCT]!;
	const cs = commitAt(x.ring, ri[K + K_BUFFER]!, ri[K + K_CPU]!);
	setStruct(r, cs);
	setReturn(r, W.unlock);
	if (x.verbose)
		x.note =
			cs === s
				? 'entries++ for this CPU; now end the commit.'
				: `The commit goes to struct ${cs}, not struct ${s} where the event was reserved: the buffer was swapped under us.`;
	return W.endCheck;
}

/** Step 'endCheck': committing must be above zero here. Kernel: rb_end_commit. */
export function endCommitCheck(x: Exec, r: Regs): number {
	const committing = r.i32[r.SI + S_COMMITTING]!;
	if (committing === 0) {
		x.warn('rb_end_commit with committing == 0');
		if (x.verbose) x.note = 'committing is already 0: the kernel warns.';
		return returnTo(r);
	}
	if (x.verbose) x.note = `committing = ${committing}.`;
	return W.endSnap;
}

/**
 * rb_end_commit's snapshot over values: commits of struct SI in OUT[O_COMMITS]; are we the
 * outermost writer (committing == 1)? Then the walk's loop budget in OUT[O_MAXCOUNT] and true.
 */
export function endSnapAt(i32: Int32Array, SI: number): boolean {
	OUT[O_COMMITS] = i32[SI + S_COMMITS]!;
	if (i32[SI + S_COMMITTING] !== 1) return false;
	OUT[O_MAXCOUNT] = i32[SI + S_NR_PAGES]! * 100;
	return true;
}

/**
 * Step 'endSnap': snapshot commits; are we the outermost writer (committing == 1)? Only it moves
 * the commit. Kernel: rb_end_commit.
 */
export function endCommitSnap(x: Exec, r: Regs): number {
	const outer = endSnapAt(r.i32, r.SI);
	r.f[r.F + R_COMMITS] = OUT[O_COMMITS]!;
	if (outer) {
		r.f[r.F + R_MAXCOUNT] = OUT[O_MAXCOUNT]!;
		if (x.verbose) x.note = 'We are the outermost writer: move the commit up to the tail.';
		return W.commitPage;
	}
	if (x.verbose)
		x.note =
			'A writer below us is still in flight: our commit stays pending until it finishes.';
	return W.endDec;
}

/**
 * Step 'commitPage': is the commit page behind the tail page? Then publish that full page's
 * commit and move the commit page forward. Kernel: rb_set_commit_to_write (first loop).
 */
export function setCommitPage(x: Exec, r: Regs): number {
	const ring = x.ring;
	const i32 = ring.i32;
	const s = r.i[r.K + K_STRUCT]!;
	const SI = r.SI;
	if (commitCaughtUp(i32, SI)) {
		if (x.verbose) x.note = 'The commit page is the tail page.';
		return W.commitIndex;
	}
	const cp = i32[SI + S_COMMIT_PAGE]!;
	const tp = localRead(i32, SI + S_TAIL_PAGE);
	if (--r.f[r.F + R_MAXCOUNT]! <= 0) {
		x.warn('rb_set_commit_to_write looped too long');
		return W.endDec;
	}
	if (isReaderPage(ring, s, tp)) {
		x.warn('the tail page is the reader page while the commit is behind it');
		return W.endDec;
	}
	writeCommit(ring, subbufOff(ring, s, cp), i32[descI(ring, s, cp) + D_WRITE]! & RB_WRITE_MASK);
	const np = nextPage(ring, s, cp);
	i32[SI + S_COMMIT_PAGE] = np;
	if (x.verbose)
		x.note = `Page ${cp} is complete: publish its commit and move the commit page to ${np}.`;
	return W.commitPage;
}

/**
 * rb_set_commit_to_write's second loop over values: publish the commit index of the commit page
 * (the tail page; descriptor d, sub-buffer at byte `off`): readers may read up to there. Returns
 * the index.
 */
export function commitIndexAt(ring: Ring, d: number, off: number): number {
	const i32 = ring.i32;
	const w = i32[d + D_WRITE]! & RB_WRITE_MASK;
	// local_read(&commit_page->page->commit): only this CPU's writers move it
	if (localRead(i32, (off + 8) >> 2) >>> 0 !== w) writeCommit(ring, off, w);
	return w;
}

/** Step 'commitIndex': commitIndexAt. Kernel: rb_set_commit_to_write (second loop). */
export function setCommitIndex(x: Exec, r: Regs): number {
	const ring = x.ring;
	const s = r.i[r.K + K_STRUCT]!;
	const cp = ring.i32[r.SI + S_COMMIT_PAGE]!;
	const w = commitIndexAt(ring, descI(ring, s, cp), subbufOff(ring, s, cp));
	if (x.verbose)
		x.note = `Publish commit = ${w} on page ${cp}: readers may now read up to there.`;
	return W.commitAgain;
}

/** Has the commit page caught up with the tail page of struct SI? Kernel: rb_set_commit_to_write. */
export function commitCaughtUp(i32: Int32Array, SI: number): boolean {
	return i32[SI + S_COMMIT_PAGE] === localRead(i32, SI + S_TAIL_PAGE);
}

/** Step 'commitAgain': did an interrupt move the tail meanwhile? Kernel: rb_set_commit_to_write. */
export function setCommitAgain(x: Exec, r: Regs): number {
	const SI = r.SI;
	if (!commitCaughtUp(r.i32, SI)) {
		r.f[r.F + R_MAXCOUNT] = r.i32[SI + S_NR_PAGES]! * 100;
		if (x.verbose) x.note = 'An interrupt moved the tail meanwhile: walk the commit again.';
		return W.commitPage;
	}
	if (x.verbose) x.note = 'The commit has caught up with the tail.';
	return W.endDec;
}

/** rb_end_commit's committing-- over values; returns the new count. */
export function endDecAt(i32: Int32Array, SI: number): number {
	return --i32[SI + S_COMMITTING]!;
}

/** Step 'endDec': committing--. Kernel: rb_end_commit. */
export function endCommitDec(x: Exec, r: Regs): number {
	const committing = endDecAt(r.i32, r.SI);
	if (x.verbose) x.note = `committing = ${committing}.`;
	return W.endRecheck;
}

/**
 * rb_end_commit's recheck over values: did an interrupt write after we moved the commit (commits
 * of struct SI is no longer the snapshot `commits` and no one is committing)? Then committing++
 * and true: move it again.
 */
export function endRecheckAt(i32: Int32Array, SI: number, commits: number): boolean {
	if (i32[SI + S_COMMITS] !== commits && i32[SI + S_COMMITTING] === 0) {
		i32[SI + S_COMMITTING]!++;
		return true;
	}
	return false;
}

/**
 * Step 'endRecheck': endRecheckAt; again from the snapshot, else return to the caller.
 * Kernel: rb_end_commit.
 */
export function endCommitRecheck(x: Exec, r: Regs): number {
	if (endRecheckAt(r.i32, r.SI, r.f[r.F + R_COMMITS]!)) {
		if (x.verbose)
			x.note =
				'An interrupt wrote after we moved the commit: committing++ and move it again.';
		return W.endSnap;
	}
	if (x.verbose) x.note = 'No interrupt slipped in.';
	return returnTo(r);
}
