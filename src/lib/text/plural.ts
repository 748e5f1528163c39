// A count and its noun, in the number the count asks for: "1 sub-buffer", "3 sub-buffers",
// "1 entry", "0 entries". Written once for every page, drawing and message that counts things.

/**
 * `n` followed by `singular` when n is 1, else by `plural` (the singular with an "s" by default).
 * The count is written as given (no locale grouping).
 */
export function count(n: number, singular: string, plural = `${singular}s`): string {
	return `${n} ${n === 1 ? singular : plural}`;
}
