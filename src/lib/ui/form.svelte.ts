// The values typed into the controls, shared by the buttons and the keyboard shortcuts.
import type { WriterSettings } from './continuous-writer.svelte';
import type { WriterContext } from './simulation.svelte';

export class LabForm {
	/** Payload bytes of one write. */
	size = $state(16);
	ctx: WriterContext = $state('task');
	/** Events in one burst. */
	burst = $state(50);
	/** Events one Consume takes; 0 or empty = all. */
	count: number | null = $state(null);
	/** Sub-buffers per CPU after a Resize. */
	subbufs = $state(6);
	/** Sub-buffer order for Set order. */
	order = $state(1);
	/** The continuous writer: events per second per CPU (0 = full speed), on every CPU or one. */
	rate = $state(1000);
	writerSize = $state(16);
	allCpus = $state(false);

	writer(): WriterSettings {
		return { rate: whole(this.rate), size: whole(this.writerSize), allCpus: this.allCpus };
	}
}

/** A whole number from a number field that may be empty. */
export function whole(v: number | null | undefined, fallback = 0): number {
	return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, Math.trunc(v)) : fallback;
}
