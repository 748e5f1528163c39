// The pages of a user-space mapping as a strip of pgoffs (kernel.md §4.2): the meta page at
// pgoff 0, zero pages padding the meta area (6.12 with order > 0), then every sub-buffer by ID,
// one system page per pgoff. Pure data for the UI to render; no DOM.
import type { Mapping } from '$lib/ring';

/** One pgoff of a mapping, ready to draw. */
export interface PgoffCell {
	pgoff: number;
	kind: 'meta' | 'zero' | 'data';
	/** Data pages: the sub-buffer's ID, its page number, and which system page of it this is. */
	id?: number;
	page?: number;
	sub?: number;
	/** Short text: "meta", "zero", "ID 2" or "ID 2 · 1/2" for the second page of an order-1 one. */
	label: string;
}

/** The cells of mapping `m`; `pagesPerSubbuf` is 2^order. */
export function pgoffCells(
	m: Pick<Mapping, 'pgoff' | 'pages'>,
	pagesPerSubbuf: number
): PgoffCell[] {
	return m.pages.map((p, i) => {
		const pgoff = m.pgoff + i;
		if (p.kind !== 'data') return { pgoff, kind: p.kind, label: p.kind };
		const part = pagesPerSubbuf > 1 ? ` · ${p.sub + 1}/${pagesPerSubbuf}` : '';
		return {
			pgoff,
			kind: 'data',
			id: p.id,
			page: p.page,
			sub: p.sub,
			label: `ID ${p.id}${part}`
		};
	});
}

/**
 * Bytes to map to see the whole per-CPU buffer in one VMA: the meta area (one page on 6.10, one
 * sub-buffer on 6.12) then `nrSubbufs` sub-buffers (the reader page included).
 */
export function wholeMappingBytes(
	kernel: '6.10' | '6.12',
	subbufSize: number,
	nrSubbufs: number,
	pageSize = 4096
): number {
	const meta = kernel === '6.12' ? subbufSize : pageSize;
	return meta + nrSubbufs * subbufSize;
}

/** Consecutive pgoffs of one thing (the meta area, or one sub-buffer). */
export interface PgoffGroup {
	kind: 'meta' | 'data';
	/** Data groups: the sub-buffer's ID and page number. */
	id?: number;
	page?: number;
	pgoffs: number[];
	/** The zero pages padding the meta area (6.12, order > 0). */
	zero: number[];
}

/** Groups cells by what they map: the meta area (meta + zero pages), then each sub-buffer. */
export function groupPgoffs(cells: readonly PgoffCell[]): PgoffGroup[] {
	const out: PgoffGroup[] = [];
	for (const c of cells) {
		const last = out.at(-1);
		if (c.kind === 'zero' && last?.kind === 'meta') last.zero.push(c.pgoff);
		else if (c.kind === 'data' && last?.kind === 'data' && last.id === c.id)
			last.pgoffs.push(c.pgoff);
		else if (c.kind === 'zero') out.push({ kind: 'meta', pgoffs: [], zero: [c.pgoff] });
		else
			out.push({
				kind: c.kind,
				...(c.kind === 'data' ? { id: c.id, page: c.page } : {}),
				pgoffs: [c.pgoff],
				zero: []
			});
	}
	return out;
}
