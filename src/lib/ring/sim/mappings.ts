/**
 * User-space mappings of a per-CPU buffer by name: mmap of trace_pipe_raw (mapBuffer), munmap,
 * reading the meta page and the sub-buffers through a mapping.
 */
import { META_STRUCT_LEN, PAGE_SIZE } from '../constants';
import { refuse } from '../errors';
import { mapBuffer, mappedBytes, pgoffsOf, unmapBuffer, type Mapping } from '../mapping';
import { parseMeta } from '../meta-page';
import { structOf } from '../ring';
import type { MapStep } from '../steps';
import { readThroughMapping } from '../user-space';
import type { OpResult, SimCore } from './core';
import { refuseIfReaderLocked } from './nesting';

/** The mapping named `name`; refuses an unknown one. */
function mapping(core: SimCore, name: string): Mapping {
	const m = core.maps.get(name);
	if (!m) refuse('EINVAL', `no mapping named "${name}"`);
	return m;
}

/** mmap of a CPU's trace_pipe_raw: the pgoffs it maps. */
export function map(core: SimCore, step: MapStep): OpResult {
	if (core.maps.has(step.as)) refuse('EINVAL', `a mapping named "${step.as}" already exists`);
	const s = structOf(core.ring, 0, step.cpu);
	const req = {
		offset: step.offset ?? 0,
		length: step.length ?? core.ring.L.metaPageSize,
		prot: step.prot ?? 'r',
		flags: step.flags ?? 'shared',
		open: step.open ?? 'r'
	};
	refuseIfReaderLocked(core, s, 'mapping');
	const { pages } = mapBuffer(core.ring, s, req, (message) => core.x.warn(message));
	const m: Mapping = {
		name: step.as,
		cpu: step.cpu,
		struct: s,
		pgoff: req.offset / PAGE_SIZE,
		pages
	};
	core.maps.set(step.as, m);
	return { pgoffs: pgoffsOf(m) };
}

export function unmap(core: SimCore, name: string): OpResult {
	unmapBuffer(core.ring, mapping(core, name).struct);
	core.maps.delete(name);
	return {};
}

/**
 * The meta page's fields through mapping `name`, and paddingNonZero (ringlab): non-zero 32-bit
 * words after the struct, up to the mapping's end or meta_page_size (map_test checks they all
 * read 0).
 */
export function readMeta(core: SimCore, name: string): OpResult {
	const m = mapping(core, name);
	if (m.pgoff !== 0)
		refuse('EINVAL', `mapping "${m.name}" does not cover the meta page (pgoff 0)`);
	const meta = parseMeta(mappedBytes(core.ring, m, 0, META_STRUCT_LEN)!);
	const end = Math.min(m.pages.length * PAGE_SIZE, meta.meta_page_size);
	let paddingNonZero = 0;
	for (let off = META_STRUCT_LEN; off < end; off += 4) {
		const w = mappedBytes(core.ring, m, off, 4)!;
		if (w[0] || w[1] || w[2] || w[3]) paddingNonZero++;
	}
	return { ...meta, paddingNonZero };
}

/** What user space reads through mapping `name` (the reader page the meta page names). */
export function readMapped(core: SimCore, name: string): OpResult {
	return readThroughMapping(core.ring, mapping(core, name), [...core.maps.values()]);
}
