// Checks ringlab's trace_pipe_raw pages against libtraceevent's kbuffer (run by tests/kbuffer/run.sh).
// Each scenario runs twice: run A drains every CPU with page reads into a .raw file that kbuf-dump
// parses with kbuffer; run B consumes every CPU event by event (trace_pipe). Per CPU, both must give
// the same events (ts, payload), and each page's missed-events count must be the `lost` of the event
// that starts the page. One test per scenario and CPU; ends with `N passed, N failed`.
//
// Without SCENARIO arguments it also checks the captures made on the live kernel
// (tests/kernel/captures/*/*.raw): kbuffer and ringlab's parseCapture must read the same events.
//
// usage: npx tsx tests/kbuffer/compare.ts KBUF_DUMP [SCENARIO.json...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { drainRaw } from '../../src/cli/main';
import { parseCapture, parseScenario, runScenario } from '../../src/lib/ring';

const SCENARIOS = 'tests/kbuffer/scenarios';
const CAPTURES = 'tests/kernel/captures';

/** The events of a capture as parseCapture reads them, with each page's missed count on its first. */
function captureEvents(bytes: Uint8Array): { events: Event[]; size: number } | string {
	const r = parseCapture(bytes);
	if (!r.ok) return `parseCapture: ${r.error.message}`;
	const events: Event[] = [];
	for (const s of r.capture.subbufs) {
		let first = true;
		for (const rec of s.records) {
			if (rec.kind !== 'data') continue;
			const at = 16 + rec.dataOffset!;
			events.push({
				ts: String(rec.ts),
				payload: Buffer.from(s.bytes.subarray(at, at + rec.dataLength!)).toString('hex'),
				missed: first && s.missedEvents ? (s.missed ?? -1) : 0
			});
			first = false;
		}
	}
	return { events, size: r.capture.subbufSize };
}

interface Event {
	ts: string;
	payload: string;
	/** kbuffer_missed_events (-1: the page says events were lost but not how many) or consume's `lost`. */
	missed: number;
	/** Index of the sub-buffer in the .raw file (kbuffer side only). */
	page?: number;
}

interface Dump {
	events: Event[];
	/** The `# page` lines of kbuf-dump, by page index. */
	pages: string[];
}

/** Parses kbuf-dump's output: `# page ...` headers, then `ts T missed M data HEX` per event. */
function parseDump(text: string): Dump {
	const dump: Dump = { events: [], pages: [] };
	for (const line of text.split('\n')) {
		if (line.startsWith('# page ')) {
			dump.pages.push(line.slice(2));
			continue;
		}
		const m = /^ts (\d+) missed (-?\d+) data ([0-9a-f]*)$/.exec(line);
		if (!m) {
			if (line) throw new Error(`kbuf-dump printed an unexpected line: ${line.slice(0, 80)}`);
			continue;
		}
		const page = dump.pages.length - 1;
		dump.events.push({ ts: m[1]!, missed: Number(m[2]), payload: m[3]!, page });
	}
	return dump;
}

/** A short view of a payload: its length and the bytes around the first difference from `other`. */
function showPayload(hex: string, other: string): string {
	let i = 0;
	while (i < hex.length && hex[i] === other[i]) i++;
	const byte = Math.floor(i / 2);
	const from = Math.max(0, byte - 4) * 2;
	const part = hex.slice(from, from + 32);
	return `${hex.length / 2} bytes, from byte ${from / 2}: ${part}${from + 32 < hex.length ? '...' : ''}`;
}

/** The first difference between kbuffer's and consume's view of one CPU, or null when they agree. */
function compareCpu(dump: Dump, consumed: Event[]): string | null {
	const k = dump.events;
	for (let i = 0; i < Math.min(k.length, consumed.length); i++) {
		const a = k[i]!;
		const b = consumed[i]!;
		const where = () => `event ${i} (page ${a.page}: ${dump.pages[a.page!]})`;
		if (a.ts !== b.ts) return `${where()}: ts ${a.ts} from kbuffer, ${b.ts} from consume`;
		if (a.payload !== b.payload)
			return `${where()}: payload differs\n  kbuffer: ${showPayload(a.payload, b.payload)}\n  consume: ${showPayload(b.payload, a.payload)}`;
		const missedOk = a.missed === -1 ? b.missed > 0 : a.missed === b.missed;
		if (!missedOk) return `${where()}: kbuffer missed ${a.missed}, consume lost ${b.missed}`;
	}
	if (k.length !== consumed.length) {
		const extra = k.length > consumed.length ? k[consumed.length]! : consumed[k.length]!;
		return `kbuffer read ${k.length} events, consume ${consumed.length}; first extra: ts ${extra.ts}, ${extra.payload.length / 2} bytes`;
	}
	if (k.every((e) => e.missed !== -1)) {
		const sumK = k.reduce((s, e) => s + e.missed, 0);
		const sumC = consumed.reduce((s, e) => s + e.missed, 0);
		if (sumK !== sumC) return `missed events: kbuffer ${sumK} in all, consume ${sumC}`;
	}
	return null;
}

function main(argv: string[]): number {
	const [bin, ...files] = argv;
	if (!bin) {
		console.error('usage: npx tsx tests/kbuffer/compare.ts KBUF_DUMP [SCENARIO.json...]');
		return 2;
	}
	const scenarios = files.length
		? files
		: readdirSync(SCENARIOS)
				.filter((f) => f.endsWith('.json'))
				.sort()
				.map((f) => join(SCENARIOS, f));
	const dir = mkdtempSync(join(tmpdir(), 'ringlab-kbuffer-'));
	let passed = 0;
	let failed = 0;
	const fail = (name: string, why: string) => {
		console.log(`FAIL ${name}: ${why}`);
		failed++;
	};

	for (const file of scenarios) {
		const name = basename(file, '.json');
		const text = readFileSync(file, 'utf8');
		const a = runScenario(parseScenario(text));
		const b = runScenario(parseScenario(text));
		if (!a.ok || !b.ok) {
			fail(name, `the scenario itself failed: ${a.failure ?? b.failure}`);
			continue;
		}
		const subbufSize = a.final.subbufSize;
		for (let cpu = 0; cpu < a.sim.config.cpus; cpu++) {
			const test = `${name} cpu${cpu}`;
			const raw = join(dir, `${name}-cpu${cpu}.raw`);
			writeFileSync(raw, drainRaw(a.sim, cpu));
			let dump: Dump;
			try {
				const out = execFileSync(bin, [raw, String(subbufSize)], {
					encoding: 'utf8',
					maxBuffer: 1 << 28
				});
				dump = parseDump(out);
			} catch (e) {
				fail(test, `kbuf-dump ${raw}: ${(e as Error).message}`);
				continue;
			}
			const r = b.sim.apply({ op: 'consume', cpu });
			const consumed = (
				(r.events ?? []) as { ts: number; payload: string; lost: number }[]
			).map((e) => ({ ts: String(e.ts), payload: e.payload, missed: e.lost }));
			const diff = r.ok ? compareCpu(dump, consumed) : `consume refused: ${r.message}`;
			if (diff) {
				fail(test, diff);
				continue;
			}
			const missed = dump.events.filter((e) => e.missed !== 0).map((e) => e.missed);
			console.log(
				`ok ${test}: ${consumed.length} events, ${dump.pages.length} pages` +
					(missed.length ? `, missed ${missed.join(' ')}` : '')
			);
			passed++;
		}
	}
	if (!scenarios.length) fail('kbuffer', `no scenarios in ${SCENARIOS}`);

	const captures = files.length
		? []
		: readdirSync(CAPTURES).flatMap((d) =>
				readdirSync(join(CAPTURES, d))
					.filter((f) => f.endsWith('.raw'))
					.map((f) => join(CAPTURES, d, f))
			);
	for (const raw of captures) {
		const test = `capture ${raw.slice(CAPTURES.length + 1)}`;
		const mine = captureEvents(new Uint8Array(readFileSync(raw)));
		if (typeof mine === 'string') {
			fail(test, mine);
			continue;
		}
		let dump: Dump;
		try {
			dump = parseDump(
				execFileSync(bin, [raw, String(mine.size)], {
					encoding: 'utf8',
					maxBuffer: 1 << 28
				})
			);
		} catch (e) {
			fail(test, `kbuf-dump ${raw}: ${(e as Error).message}`);
			continue;
		}
		// kbuffer reports -1 for a page that says events were lost without a count; so does mine.
		const diff = compareCpu(
			dump,
			mine.events.map((e) => ({ ...e, missed: e.missed === -1 ? 1 : e.missed }))
		);
		if (diff) {
			fail(test, diff);
			continue;
		}
		console.log(`ok ${test}: ${mine.events.length} events, ${dump.pages.length} pages`);
		passed++;
	}

	if (failed) console.log(`raw pages kept in ${dir}`);
	else rmSync(dir, { recursive: true, force: true });
	console.log(`${passed} passed, ${failed} failed`);
	return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
