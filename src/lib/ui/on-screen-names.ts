// The drawing names a sub-buffer by its ID once the buffer is mapped (spec §4) and by its page
// number before; the engine's notes and the timeline's marks speak in page numbers. This puts the
// names on screen into their words, so the narration and the drawing agree.
import type { CpuState } from '$lib/ring';

/**
 * `text` with each "page N" of `cpu` written as the drawing names it: "sub-buffer ID k" once
 * mapped, unchanged before (or when `cpu` is not known).
 */
export function onScreenNames(text: string, cpu: CpuState | undefined): string {
	if (!cpu) return text;
	return text.replace(/\b([Pp])age (\d+)\b/g, (words, p: string, n: string) => {
		const id = cpu.pages[Number(n)]?.id;
		if (id === null || id === undefined) return words;
		return `${p === 'P' ? 'Sub-buffer' : 'sub-buffer'} ID ${id}`;
	});
}
