/**
 * Event formats as tracefs prints them (events/SYSTEM/NAME/format) and as a trace.dat stores
 * them: parsed into fields, and used to decode a record's payload. A small cousin of
 * libtraceevent's format parser (event_read_format, event_read_fields): no print-fmt evaluation;
 * a record is shown as its fields, with the few formats we know (ftrace print and raw_data,
 * ringlab's payload) shown the way trace-cmd prints them.
 */
import { latin1 } from './bytes';

export interface FormatField {
	/** The C type as written, e.g. `unsigned short`, `char` (arrays: without the brackets). */
	type: string;
	name: string;
	offset: number;
	/** Bytes; 0 for a trailing `[]` array, which runs to the end of the record. */
	size: number;
	signed: boolean;
	/** `[N]` or `[]` after the name. */
	isArray: boolean;
	/** A `__data_loc` field: a u32 holding the data's offset (low 16 bits) and length. */
	isDataLoc: boolean;
	/** A field of the common header (common_type, common_pid, ...). */
	isCommon: boolean;
}

export interface EventFormat {
	system: string;
	name: string;
	id: number;
	fields: FormatField[];
	printFmt: string;
}

const FIELD = /^\s*field:\s*(.+?);\s*offset:\s*(\d+);\s*size:\s*(\d+);\s*(?:signed:\s*(-?\d+);)?/;

/** Parses one format file; returns why not as a string. */
export function parseEventFormat(system: string, text: string): EventFormat | string {
	const name = /^name:\s*(\S+)\s*$/m.exec(text)?.[1];
	const id = /^ID:\s*(\d+)\s*$/m.exec(text)?.[1];
	if (!name) return 'no `name:` line';
	if (id === undefined) return `event ${name} has no \`ID:\` line`;
	const fields: FormatField[] = [];
	let common = true;
	const body = text.slice(text.indexOf('format:') + 7);
	for (const line of body.split('\n')) {
		if (line.trim() === '') {
			if (fields.length) common = false;
			continue;
		}
		if (line.startsWith('print fmt:')) break;
		const m = FIELD.exec(line);
		if (!m) continue;
		const decl = m[1]!.trim();
		const isDataLoc = decl.startsWith('__data_loc') || decl.startsWith('__rel_loc');
		const am = /^(.*?)\s*([A-Za-z_]\w*)\s*(\[[^\]]*\])?$/.exec(decl);
		if (!am) return `event ${name}: field \`${decl}\` is not a C declaration`;
		fields.push({
			type: am[1]!.replace(/^__(data|rel)_loc\s+/, ''),
			name: am[2]!,
			offset: Number(m[2]),
			size: Number(m[3]),
			signed: m[4] === '1',
			isArray: am[3] !== undefined,
			isDataLoc,
			isCommon: common && am[2]!.startsWith('common_')
		});
	}
	const printFmt = /^print fmt:\s*(.*)$/m.exec(text)?.[1] ?? '';
	return { system, name, id: Number(id), fields, printFmt };
}

function readUint(b: Uint8Array, off: number, size: number): number | null {
	if (off + size > b.length) return null;
	const dv = new DataView(b.buffer, b.byteOffset + off, size);
	if (size === 1) return dv.getUint8(0);
	if (size === 2) return dv.getUint16(0, true);
	if (size === 4) return dv.getUint32(0, true);
	if (size === 8) return Number(dv.getBigUint64(0, true));
	return null;
}

/**
 * The type id of a record, read where the formats put `common_type` (libtraceevent's
 * trace_parse_common_type takes it from any event: every event has the same common fields). A
 * zero-size common_type (ringlab's own events) reads as 0; null when no format has one.
 */
export function recordType(formats: readonly EventFormat[], payload: Uint8Array): number | null {
	for (const f of formats) {
		const t = f.fields.find((x) => x.name === 'common_type');
		if (t) return t.size === 0 ? 0 : readUint(payload, t.offset, t.size);
	}
	return null;
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');

/** A char array as text up to its first NUL, or as hex when it holds other unprintable bytes. */
function charsText(b: Uint8Array): string {
	const nul = b.indexOf(0);
	const s = b.subarray(0, nul < 0 ? b.length : nul);
	return s.every((c) => c >= 0x20 && c < 0x7f) || s.every((c) => c >= 0x09 && c < 0x7f)
		? latin1(s)
		: hex(b);
}

/** The bytes of field `f` in a record's payload (to the end for a `[]` array). */
function fieldBytes(f: FormatField, p: Uint8Array): Uint8Array {
	if (f.isDataLoc) {
		const loc = readUint(p, f.offset, 4) ?? 0;
		const off = (loc & 0xffff) + (f.type.startsWith('__rel_loc') ? f.offset + 4 : 0);
		return p.subarray(Math.min(off, p.length), Math.min(off + (loc >>> 16), p.length));
	}
	const end = f.size === 0 ? p.length : f.offset + f.size;
	return p.subarray(Math.min(f.offset, p.length), Math.min(end, p.length));
}

/** One field's value as trace-cmd's raw mode (-R) shows it: numbers, strings, else hex bytes. */
export function fieldText(f: FormatField, p: Uint8Array): string {
	const b = fieldBytes(f, p);
	if (f.isArray || f.isDataLoc) return f.type.endsWith('char') ? charsText(b) : hex(b);
	const v = readUint(b, 0, b.length);
	if (v === null) return hex(b);
	if (f.signed && b.length < 8 && v >= 2 ** (8 * b.length - 1))
		return String(v - 2 ** (8 * b.length));
	return String(v);
}

/** A record decoded through its format: the event's name and one line of text. */
export interface DecodedEvent {
	/** `system:name`, or `type N` when no format has that id. */
	event: string;
	text: string;
}

/**
 * Decodes a data record's payload: through the format whose ID matches its type, shown as
 * trace-cmd prints ftrace:print (`buf`), ftrace:raw_data (`# ID` and bytes, as trace-cmd prints it) and ringlab:payload
 * (`id:` and text), other events as `field=value` pairs; an unknown type as its hex bytes.
 */
export function decodeEvent(
	formats: readonly EventFormat[],
	byId: ReadonlyMap<number, EventFormat>,
	payload: Uint8Array
): DecodedEvent {
	const type = recordType(formats, payload);
	const f = type === null ? undefined : byId.get(type);
	if (!f) return { event: type === null ? 'unknown' : `type ${type}`, text: hex(payload) };
	const field = (n: string) => f.fields.find((x) => x.name === n);
	const event = `${f.system}:${f.name}`;
	if (f.system === 'ftrace' && f.name === 'print' && field('buf'))
		return { event, text: charsText(fieldBytes(field('buf')!, payload)).replace(/\n$/, '') };
	if (f.system === 'ftrace' && f.name === 'raw_data' && field('id') && field('buf'))
		return {
			event,
			text: `# ${Number(fieldText(field('id')!, payload)).toString(16)} ${hex(fieldBytes(field('buf')!, payload))}`
		};
	const own = f.fields.filter((x) => !x.isCommon);
	return {
		event,
		text: own.map((x) => `${x.name}=${fieldText(x, payload)}`).join(' ')
	};
}
