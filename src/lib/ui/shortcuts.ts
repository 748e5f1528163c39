// The page's keyboard shortcuts: one table that both the key handler and the `?` overlay read.

export type ShortcutAction =
	| 'write'
	| 'burst'
	| 'writer'
	| 'consume'
	| 'readPage'
	| 'map'
	| 'unmap'
	| 'getReader'
	| 'snapshot'
	| 'reset'
	| 'tracing'
	| 'overwrite'
	| 'kernel'
	| 'view'
	| 'theme'
	| 'help'
	| 'step'
	| 'back'
	| 'start'
	| 'cpu'
	| 'blank'
	| 'leave'
	| 'restart';

export interface Shortcut {
	/** What `KeyboardEvent.key` must be; `1`-`8` are listed once as `1…8`. */
	key: string;
	action: ShortcutAction;
	label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
	{ key: 'w', action: 'write', label: 'Write one event' },
	{ key: 'b', action: 'burst', label: 'Write a burst' },
	{ key: 'a', action: 'writer', label: 'Continuous writer start / stop' },
	{ key: 'c', action: 'consume', label: 'Consume (trace_pipe)' },
	{ key: 'p', action: 'readPage', label: 'Read a page (trace_pipe_raw)' },
	{ key: 'm', action: 'map', label: 'Map the CPU buffer' },
	{ key: 'u', action: 'unmap', label: 'Unmap' },
	{ key: 'g', action: 'getReader', label: 'Get reader (ioctl)' },
	{ key: 's', action: 'snapshot', label: 'Snapshot this CPU' },
	{ key: 'r', action: 'reset', label: 'Reset this CPU' },
	{ key: 't', action: 'tracing', label: 'Tracing on / off' },
	{ key: 'o', action: 'overwrite', label: 'Overwrite on / off (new machine)' },
	{ key: 'k', action: 'kernel', label: 'Kernel 6.10 / 6.12 (new machine)' },
	{ key: '1…8', action: 'cpu', label: 'Choose CPU 0…7' },
	{ key: 'PageDown', action: 'step', label: 'Step forward in time (one atomic step)' },
	{ key: 'PageUp', action: 'back', label: 'Step back in time' },
	{ key: 'v', action: 'view', label: 'Drawing / table view' },
	{ key: 'd', action: 'theme', label: 'Light / dark theme' },
	{ key: '?', action: 'help', label: 'Show this list' }
];

/**
 * A presenter's keys (`&present=1`): what a clicker sends, and two that ask first. Leaving and
 * restarting take the same key twice, with a visible hint between, so no press jumps silently.
 */
export const PRESENTER_SHORTCUTS: readonly Shortcut[] = [
	{ key: 'PageDown', action: 'step', label: 'Next step (also → and ↓)' },
	{ key: 'PageUp', action: 'back', label: 'Step back (also ← and ↑)' },
	{ key: 'b', action: 'blank', label: 'Blank the screen / show it again (also .)' },
	{ key: 'Home', action: 'restart', label: 'Restart from step 0 (press twice)' },
	{ key: 'Escape', action: 'leave', label: 'Leave presenter mode (press twice)' },
	{ key: 'd', action: 'theme', label: 'Light / dark theme' },
	{ key: '?', action: 'help', label: 'Show this list' }
];

const PRESENTER_ALIASES: Record<string, ShortcutAction> = {
	ArrowRight: 'step',
	ArrowDown: 'step',
	ArrowLeft: 'back',
	ArrowUp: 'back',
	B: 'blank',
	'.': 'blank'
};

/** The shortcut a key press asks for, or null (typing in a field, modifier keys, unknown key). */
export function shortcutOf(
	e: KeyboardEvent,
	mode: { present?: boolean } = {}
): { action: ShortcutAction; cpu?: number } | null {
	if (e.ctrlKey || e.metaKey || e.altKey) return null;
	const t = e.target as HTMLElement | null;
	if (t && (t.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(t.tagName)))
		return null;
	if (mode.present) {
		const alias = PRESENTER_ALIASES[e.key];
		if (alias) return { action: alias };
		const found = PRESENTER_SHORTCUTS.find((s) => s.key === e.key);
		return found ? { action: found.action } : null;
	}
	if (/^[1-8]$/.test(e.key)) return { action: 'cpu', cpu: Number(e.key) - 1 };
	const found = SHORTCUTS.find((s) => s.key === e.key);
	return found ? { action: found.action } : null;
}

/** The aria-keyshortcuts value of an action. */
export function keyOf(action: string): string {
	const key = SHORTCUTS.find((s) => s.action === action)?.key ?? '';
	return key === '?' ? 'Shift+?' : key;
}
