/**
 * Pushing the head page in overwrite mode, one cmpxchg per step: the link into the head goes
 * HEAD -> UPDATE (this writer claims it; its events are lost), the link out of it NORMAL -> HEAD
 * (the next page is the new head), a check that nested writers did not move the tail past us, and
 * UPDATE -> NORMAL. An interrupting writer finds UPDATE and helps; a reader's swap makes the first
 * cmpxchg fail.
 * Kernel: rb_handle_head_page (kernel/trace/ring_buffer.c, checked against 6.10 - 6.18).
 */
import { localRead } from '../atomics';
import { RB_PAGE_HEAD, RB_PAGE_NORMAL, RB_PAGE_UPDATE, RB_WRITE_MASK } from '../constants';
import {
	K_NEW_HEAD,
	K_NEXT_PAGE,
	K_STRUCT,
	K_TAIL_PAGE,
	R_ENTRIES,
	R_RET,
	R_TYPE
} from '../context';
import { D_ENTRIES, S_TAIL_PAGE, SF_ENTRIES_BYTES, SF_OVERRUN, SF_PAGES_LOST } from '../layout';
import { headPageSet, nextPage } from '../page-ring';
import { descI, structF, structI, subbufOff } from '../ring';
import { readCommitLong } from '../subbuf';
import { fail, WHY_HEAD_ERROR, type Exec, type Regs } from './exec';
import { W } from './steps';

/**
 * Step 'hpUpdate': cmpxchg the link into the head page HEAD -> UPDATE. Won: the head page's events
 * are lost (overrun, pages_lost). Already UPDATE: we interrupted a writer pushing the head; help
 * it. NORMAL or moved: an interrupt pushed it, or a reader swapped it out; retry.
 */
export function headPageUpdate(x: Exec, r: Regs): number {
	const ring = x.ring;
	const { i32, f64 } = ring;
	const s = r.i[r.K + K_STRUCT]!;
	const tp = r.i[r.K + K_TAIL_PAGE]!;
	const np = r.i[r.K + K_NEXT_PAGE]!;
	const entries = i32[descI(ring, s, np) + D_ENTRIES]! & RB_WRITE_MASK;
	const type = headPageSet(ring, s, tp, RB_PAGE_HEAD, RB_PAGE_UPDATE);
	r.f[r.F + R_TYPE] = type;
	if (type === RB_PAGE_HEAD) {
		const SF = structF(ring, s);
		f64[SF + SF_OVERRUN] = f64[SF + SF_OVERRUN]! + entries;
		f64[SF + SF_ENTRIES_BYTES] =
			f64[SF + SF_ENTRIES_BYTES]! - readCommitLong(ring, subbufOff(ring, s, np));
		f64[SF + SF_PAGES_LOST]!++;
		r.f[r.F + R_ENTRIES] = entries;
		if (x.verbose)
			x.note = `Link ${tp}->${np} is now UPDATE; the ${entries} events on page ${np} are lost (overrun).`;
		return W.hpSetHead;
	}
	if (type === RB_PAGE_UPDATE) {
		if (x.verbose)
			x.note =
				'The link is already UPDATE: we interrupted a writer pushing the head; help it.';
		return W.hpSetHead;
	}
	if (x.verbose)
		x.note =
			type === RB_PAGE_NORMAL
				? 'The link is NORMAL: an interrupt already pushed the head; retry.'
				: 'The link moved: a reader swapped the head page out; retry.';
	return W.mtAgain;
}

/** Step 'hpSetHead': cmpxchg the link out of the old head NORMAL -> HEAD: the new head. */
export function headPageSetHead(x: Exec, r: Regs): number {
	const ring = x.ring;
	const s = r.i[r.K + K_STRUCT]!;
	const np = r.i[r.K + K_NEXT_PAGE]!;
	const nh = nextPage(ring, s, np);
	r.i[r.K + K_NEW_HEAD] = nh;
	const ret = headPageSet(ring, s, np, RB_PAGE_NORMAL, RB_PAGE_HEAD);
	r.f[r.F + R_RET] = ret;
	if (ret !== RB_PAGE_HEAD && ret !== RB_PAGE_NORMAL) {
		x.warn('rb_handle_head_page: unexpected flag setting the new head');
		fail(r, WHY_HEAD_ERROR, 1);
		return W.mtResetFail;
	}
	if (x.verbose)
		x.note =
			ret === RB_PAGE_NORMAL
				? `Link ${np}->${nh} is now HEAD: page ${nh} is the new head.`
				: `Link ${np}->${nh} was already HEAD: an interrupt did it.`;
	return W.hpCheckTail;
}

/**
 * Step 'hpCheckTail': did nested writers move the tail past the head we just set? Then clear
 * that HEAD again. The writer that set UPDATE clears it; a helper goes on to move the tail.
 */
export function headPageCheckTail(x: Exec, r: Regs): number {
	const ring = x.ring;
	const s = r.i[r.K + K_STRUCT]!;
	const tp = r.i[r.K + K_TAIL_PAGE]!;
	const np = r.i[r.K + K_NEXT_PAGE]!;
	if (x.verbose) x.note = 'The tail is where we expect it.';
	if (r.f[r.F + R_RET] === RB_PAGE_NORMAL) {
		const live = localRead(ring.i32, structI(ring, s) + S_TAIL_PAGE);
		if (live !== tp && live !== np) {
			headPageSet(ring, s, np, RB_PAGE_HEAD, RB_PAGE_NORMAL);
			if (x.verbose)
				x.note = `Nested writers moved the tail to ${live}, past the head we just set: clear that HEAD again.`;
		}
	}
	return r.f[r.F + R_TYPE] === RB_PAGE_HEAD ? W.hpClearUpdate : W.tuIntcnt;
}

/** Step 'hpClearUpdate': cmpxchg our link UPDATE -> NORMAL: the head push is done. */
export function headPageClearUpdate(x: Exec, r: Regs): number {
	const s = r.i[r.K + K_STRUCT]!;
	const tp = r.i[r.K + K_TAIL_PAGE]!;
	const ret = headPageSet(x.ring, s, tp, RB_PAGE_UPDATE, RB_PAGE_NORMAL);
	if (ret !== RB_PAGE_UPDATE) {
		x.warn('rb_handle_head_page: the UPDATE flag we set is gone');
		fail(r, WHY_HEAD_ERROR, 1);
		return W.mtResetFail;
	}
	if (x.verbose)
		x.note = `Link ${tp}->${r.i[r.K + K_NEXT_PAGE]} back to NORMAL: the head push is done.`;
	return W.tuIntcnt;
}
