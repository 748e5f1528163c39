// What each control does, in one place: the buttons and the keyboard shortcuts both call it.
import { whole, type LabForm } from './form.svelte';
import type { ControlId, Lab } from './simulation.svelte';

/** Every control with a refusal slot, and the two that rebuild the machine. */
export type LabAction = Exclude<ControlId, 'spawn' | 'step' | 'timeline'> | 'overwrite' | 'kernel';

/** Runs `action` on `lab` with the values in `form`. */
export function perform(lab: Lab, form: LabForm, action: LabAction): Promise<void> {
	switch (action) {
		case 'write':
			return lab.write(whole(form.size), form.ctx);
		case 'burst':
			return lab.write(whole(form.size), form.ctx, Math.max(2, whole(form.burst, 50)));
		case 'consume':
			return lab.consume(whole(form.count) || undefined);
		case 'readPage':
			return lab.readPage();
		case 'map':
			return lab.map();
		case 'unmap':
			return lab.unmap();
		case 'getReader':
			return lab.getReader();
		case 'snapshot':
			return lab.snapshot();
		case 'snapshotFree':
			return lab.freeSnapshot();
		case 'resize':
			return lab.resize(whole(form.subbufs));
		case 'subbufOrder':
			return lab.setOrder(whole(form.order));
		case 'reset':
			return lab.reset();
		case 'tracing':
			return lab.setTracing(!lab.state.tracingOn);
		case 'overwrite':
			return lab.reconfigure({ overwrite: !lab.setup.overwrite });
		case 'kernel':
			return lab.reconfigure({ kernel: lab.setup.kernel === '6.10' ? '6.12' : '6.10' });
		case 'writer':
			return lab.writer.running ? lab.stopWriter() : lab.startWriter(form.writer());
	}
}
