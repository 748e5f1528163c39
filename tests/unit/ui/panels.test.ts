import { describe, expect, it } from 'vitest';
import { EMBED_PANELS, PANELS, shownPanels } from '../../../src/lib/ui/panels';

describe('shownPanels(list, embed)', () => {
	it('shows every panel in the lab, whatever the list says', () => {
		expect([...shownPanels(null, false)]).toEqual([...PANELS]);
		expect([...shownPanels('ring', false)]).toEqual([...PANELS]);
	});

	it('shows the ring, the time bar and the lanes when embedded without a list', () => {
		expect([...shownPanels(null, true)]).toEqual([...EMBED_PANELS]);
	});

	it('shows the listed panels when embedded, leaving unknown names out', () => {
		expect([...shownPanels('time, ring,log,nope', true)]).toEqual(['ring', 'time', 'log']);
		expect([...shownPanels('', true)]).toEqual([]);
	});
});
