import { describe, expect, it } from 'vitest';
import { embedSnippet } from '../../../src/lib/ui/embed-snippet';

describe('embedSnippet(src, title)', () => {
	it('frames the URL at 700x450 with a title, escaping both', () => {
		const html = embedSnippet('https://x.test/?scenario=abc&at=3&embed=1', 'A "quoted" <b>');
		expect(html).toBe(
			'<iframe src="https://x.test/?scenario=abc&amp;at=3&amp;embed=1" width="700" height="450" ' +
				'title="ringlab: A &quot;quoted&quot; &lt;b&gt;" style="border: 1px solid #cbd5e1; border-radius: 6px" ' +
				'loading="lazy"></iframe>'
		);
	});
});
