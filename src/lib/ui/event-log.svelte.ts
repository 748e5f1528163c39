// The lab's log: what each action did, its refusals and warnings, and the events user space
// read, as `cat trace_pipe` prints them. The newest LOG_LIMIT lines are kept.
import { traceLines, type TraceEvent } from '$lib/text/trace-pipe';
import type { LogLine } from './lab-types';

const LOG_LIMIT = 2000;

export class EventLog {
	lines: LogLine[] = $state.raw([]);
	#lineId = 0;

	/** Adds one line. */
	say(kind: LogLine['kind'], text: string): void {
		const log = [...this.lines, { id: ++this.#lineId, kind, text }];
		this.lines = log.length > LOG_LIMIT ? log.slice(log.length - LOG_LIMIT) : log;
	}

	/** The events user space read from `cpu`, after a line for the `missed` ones it lost. */
	events(cpu: number, events: readonly TraceEvent[], missed = 0): void {
		for (const line of traceLines(cpu, events, missed))
			this.say(line.startsWith('CPU:') ? 'lost' : 'event', line);
	}
}
