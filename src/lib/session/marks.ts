/**
 * "Interesting moments" of a timeline, found by comparing the state before and after one entry
 * (never from knowledge of the scenario): a reader-page swap, lost events, a head push (the HEAD
 * or UPDATE flag moved, on links not leaving the reader page: those are the reader's swap), a page crossing (the tail moved), the commit page moving, a snapshot swap
 * (a CPU's live buffer changed struct), a warning, a broken invariant. A probe is a few numbers per
 * per-CPU struct, cheap enough to take after every atomic step.
 */
import type { Ring, Violation, Warning } from '../ring';
import { RB_PAGE_HEAD, RB_PAGE_UPDATE } from '../ring/constants';
import {
	S_COMMIT_PAGE,
	S_CPU,
	S_NR_PAGES,
	S_READER_PAGE,
	S_TAIL_PAGE,
	SF_COMMIT_OVERRUN,
	SF_DROPPED_EVENTS,
	SF_OVERRUN
} from '../ring/layout';
import { linkFlags, nextPage } from '../ring/page-ring';
import { bufferTableIndex, structF, structI } from '../ring/ring';

export const MARK_KINDS = [
	'reader-swap',
	'lost-events',
	'head-push',
	'page-cross',
	'commit-move',
	'snapshot-swap',
	'warning',
	'invariant'
] as const;
export type MarkKind = (typeof MARK_KINDS)[number];

export interface Mark {
	kind: MarkKind;
	/** The CPU it happened on (-1 when not tied to one: a warning). */
	cpu: number;
	/** One plain sentence for the page's marker tooltip. */
	text: string;
}

interface StructProbe {
	nr: number;
	cpu: number;
	reader: number;
	tail: number;
	commit: number;
	/** "from>to:FLAG" for every link carrying HEAD or UPDATE, in page order. */
	flags: string;
	overrun: number;
	dropped: number;
	commitOverrun: number;
}

/** What the marks compare: every struct's pointers, flags and loss counters, and which is live. */
export interface Probe {
	structs: StructProbe[];
	/** Per CPU: the struct the live buffer uses (buffers[cpu]). */
	live: number[];
}

export function probe(ring: Ring): Probe {
	const structs: StructProbe[] = [];
	for (let s = 0; s < 2 * ring.L.cpus; s++) {
		const SI = structI(ring, s);
		const SF = structF(ring, s);
		const nr = ring.i32[SI + S_NR_PAGES]!;
		let flags = '';
		for (let p = 0; p <= nr; p++) {
			const f = linkFlags(ring, s, p);
			if (f === RB_PAGE_HEAD) flags += `${p}>${nextPage(ring, s, p)}:HEAD `;
			else if (f === RB_PAGE_UPDATE) flags += `${p}>${nextPage(ring, s, p)}:UPDATE `;
		}
		structs.push({
			nr,
			cpu: ring.i32[SI + S_CPU]!,
			reader: ring.i32[SI + S_READER_PAGE]!,
			tail: ring.i32[SI + S_TAIL_PAGE]!,
			commit: ring.i32[SI + S_COMMIT_PAGE]!,
			flags,
			overrun: ring.f64[SF + SF_OVERRUN]!,
			dropped: ring.f64[SF + SF_DROPPED_EVENTS]!,
			commitOverrun: ring.f64[SF + SF_COMMIT_OVERRUN]!
		});
	}
	const live: number[] = [];
	for (let c = 0; c < ring.L.cpus; c++) live.push(ring.i32[bufferTableIndex(ring, 0, c)]!);
	return { structs, live };
}

/** Describes "from>to:FLAG ..." for a sentence. */
/** The flagged links of a probe: "3>1:HEAD 1>2:UPDATE" as link -> flag. */
function flagMap(flags: string): Map<string, string> {
	const out = new Map<string, string>();
	for (const part of flags.trim().split(' ').filter(Boolean)) {
		const [link, flag] = part.split(':');
		out.set(link!, flag!);
	}
	return out;
}

/**
 * What changed on the links between two probes, link by link ("the link from page 3 to page 1:
 * HEAD → UPDATE"), and how many links carry HEAD when more than one does.
 */
function flagChanges(before: string, after: string): string {
	const b = flagMap(before);
	const a = flagMap(after);
	const links = [...new Set([...b.keys(), ...a.keys()])].filter((l) => b.get(l) !== a.get(l));
	const words = links.map((l) => {
		const [from, to] = l.split('>');
		return `the link from page ${from} to page ${to}: ${b.get(l) ?? 'NORMAL'} → ${a.get(l) ?? 'NORMAL'}`;
	});
	const heads = [...a.values()].filter((f) => f === 'HEAD').length;
	if (heads > 1) words.push(`${heads} links carry HEAD now`);
	return words.join('; ');
}

/** True when one of the flagged links starts at `page`. */
function flagsFrom(flags: string, page: number): boolean {
	return flags.split(' ').some((f) => f.startsWith(`${page}>`));
}

/**
 * The marks of one entry, from the probes before and after it, its warnings and the invariants
 * broken after it. A struct whose page count changed (a resize) is compared no further.
 */
export function marksBetween(
	before: Probe,
	after: Probe,
	warnings: readonly Warning[],
	violations: readonly Violation[]
): Mark[] {
	const out: Mark[] = [];
	for (let c = 0; c < after.live.length; c++) {
		if (before.live[c] !== undefined && before.live[c] !== after.live[c])
			out.push({
				kind: 'snapshot-swap',
				cpu: c,
				text: `CPU ${c}'s live buffer and the snapshot buffer were exchanged (the live buffer now uses struct ${after.live[c]}).`
			});
	}
	for (let s = 0; s < after.structs.length; s++) {
		const a = after.structs[s]!;
		const b = before.structs[s];
		if (!b || !a.nr || a.nr !== b.nr) continue;
		const where = after.live[a.cpu] === s ? `CPU ${a.cpu}` : `CPU ${a.cpu}'s snapshot buffer`;
		const swapped = a.reader !== b.reader;
		if (swapped)
			out.push({
				kind: 'reader-swap',
				cpu: a.cpu,
				text: `${where}: the reader swapped its page ${b.reader} into the ring and took page ${a.reader} out as the new reader page.`
			});
		const lost =
			a.overrun - b.overrun + (a.dropped - b.dropped) + (a.commitOverrun - b.commitOverrun);
		if (lost > 0) {
			const why: string[] = [];
			if (a.overrun > b.overrun) why.push(`${a.overrun - b.overrun} overwritten`);
			if (a.dropped > b.dropped) why.push(`${a.dropped - b.dropped} dropped`);
			if (a.commitOverrun > b.commitOverrun)
				why.push(`${a.commitOverrun - b.commitOverrun} lost to commit_overrun`);
			out.push({
				kind: 'lost-events',
				cpu: a.cpu,
				text: `${where}: ${lost} event${lost > 1 ? 's' : ''} lost (${why.join(', ')}).`
			});
		}
		// A reader mid-swap flags its own page's link (rb_get_reader_page): not a writer's push.
		const readerFlags =
			flagsFrom(a.flags, a.reader) ||
			flagsFrom(b.flags, b.reader) ||
			flagsFrom(a.flags, b.reader) ||
			flagsFrom(b.flags, a.reader);
		if (a.flags !== b.flags && !swapped && !readerFlags)
			out.push({
				kind: 'head-push',
				cpu: a.cpu,
				text: `${where}: the head moves: ${flagChanges(b.flags, a.flags)}.`
			});
		if (a.tail !== b.tail)
			out.push({
				kind: 'page-cross',
				cpu: a.cpu,
				text: `${where}: the tail moved from page ${b.tail} to page ${a.tail}: writes go to a new page.`
			});
		if (a.commit !== b.commit)
			out.push({
				kind: 'commit-move',
				cpu: a.cpu,
				text: `${where}: the commit page moved from page ${b.commit} to page ${a.commit}.`
			});
	}
	for (const w of warnings) out.push({ kind: 'warning', cpu: -1, text: `WARNING: ${w.message}` });
	for (const v of violations)
		out.push({
			kind: 'invariant',
			cpu: v.cpu,
			text: `Invariant "${v.invariant}" broken on CPU ${v.cpu}: ${v.message}`
		});
	return out;
}
