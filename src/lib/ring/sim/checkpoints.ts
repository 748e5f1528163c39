/**
 * Time travel: a checkpoint copies everything the next step depends on (the state bytes, whatever
 * their layout, and the host's bookkeeping: in-flight contexts' names, requests, payloads,
 * collected events and pages, mappings, the last step note); restore puts it all back.
 */
import { layoutOf, type Layout } from '../layout';
import type { Mapping } from '../mapping';
import { wrapRing } from '../ring';
import type { SpawnableStep } from '../steps';
import { setRing, type SimCore, type SlotInfo } from './core';

/** An immutable copy of everything a Simulation needs to go on from one moment (see checkpoint). */
export interface Checkpoint {
	readonly bytes: Uint8Array;
	readonly slots: readonly (Readonly<SlotInfo> | undefined)[];
	readonly names: readonly (readonly [string, number])[];
	readonly maps: readonly (readonly [string, Mapping])[];
	readonly note: string;
}

/** The checkpoint of `core` now: frozen, and never aliased by the simulation. */
export function takeCheckpoint(core: SimCore): Checkpoint {
	const slots = core.slots.map((info) => (info ? cloneSlotInfo(info) : undefined));
	return Object.freeze({
		bytes: new Uint8Array(core.ring.buf.slice(0)),
		slots: Object.freeze(slots),
		names: Object.freeze([...core.names]),
		maps: Object.freeze([...core.maps].map(([n, m]) => [n, cloneMapping(m)] as const)),
		note: core.x.note
	});
}

/**
 * Puts `core` back exactly as it was at `cp`. The state bytes are copied into the same
 * (Shared)ArrayBuffer when its size and layout match (a page holding a view keeps reading it);
 * otherwise a new buffer of the same kind is made. Returns true when the buffer was replaced.
 */
export function restoreCheckpoint(core: SimCore, cp: Checkpoint): boolean {
	const moved = restoreBytes(core, cp.bytes);
	core.slots.length = 0;
	cp.slots.forEach((info, k) => {
		core.slots[k] = info ? cloneSlotInfo(info) : undefined;
	});
	core.names.clear();
	for (const [n, k] of cp.names) core.names.set(n, k);
	core.maps.clear();
	for (const [n, m] of cp.maps) core.maps.set(n, cloneMapping(m));
	core.x.note = cp.note;
	core.warnings = [];
	return moved;
}

function restoreBytes(core: SimCore, bytes: Uint8Array): boolean {
	const cur = core.ring.buf;
	const L = layoutOf(bytes.buffer);
	if (cur.byteLength === bytes.byteLength && sameLayout(L, core.ring.L)) {
		core.ring.u8.set(bytes);
		return false;
	}
	const buf =
		cur instanceof ArrayBuffer
			? new ArrayBuffer(bytes.byteLength)
			: new SharedArrayBuffer(bytes.byteLength);
	new Uint8Array(buf).set(bytes);
	setRing(core, wrapRing(buf));
	return true;
}

function cloneSlotInfo(info: Readonly<SlotInfo>): SlotInfo {
	const out: SlotInfo = {
		name: info.name,
		step: JSON.parse(JSON.stringify(info.step)) as SpawnableStep,
		payload: info.payload ? info.payload.slice() : null,
		events: info.events.map((e) => ({ ...e })),
		pages: info.pages.map((p) => ({ page: p.page.slice(), missed: p.missed }))
	};
	if (info.failNote !== undefined) out.failNote = info.failNote;
	return out;
}

function cloneMapping(m: Mapping): Mapping {
	return { ...m, pages: m.pages.map((p) => ({ ...p })) };
}

function sameLayout(a: Layout, b: Layout): boolean {
	if (a.totalBytes !== b.totalBytes || a.order !== b.order || a.cpus !== b.cpus) return false;
	if (a.metaPageSize !== b.metaPageSize) return false;
	return a.nrPages.every((n, i) => n === b.nrPages[i]);
}
