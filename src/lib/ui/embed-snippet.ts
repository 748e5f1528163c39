// The iframe snippet the Embed dialog gives: the current scenario at the current step, in a
// frame of the size the embedded stage is laid out for (700x450, the ring and the time bar).

/** The frame size the embedded stage fits. */
export const EMBED_SIZE = { width: 700, height: 450 } as const;

const attr = (s: string) =>
	s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An <iframe> element's HTML for the lab at `src` (a URL that already says embed=1). */
export function embedSnippet(src: string, title: string): string {
	return (
		`<iframe src="${attr(src)}" width="${EMBED_SIZE.width}" height="${EMBED_SIZE.height}" ` +
		`title="${attr(`ringlab: ${title}`)}" style="border: 1px solid #cbd5e1; border-radius: 6px" ` +
		`loading="lazy"></iframe>`
	);
}
