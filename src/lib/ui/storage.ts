// localStorage that never throws: in an iframe of another site (a tutorial embedding the lab)
// the browser may deny storage altogether; the lab then simply remembers nothing.

/** The stored value of `key`, or null (nothing stored, or storage denied). */
export function readSetting(key: string): string | null {
	try {
		return localStorage.getItem(key);
	} catch {
		return null;
	}
}

/** Stores `value` under `key` when the browser allows it. */
export function writeSetting(key: string, value: string): void {
	try {
		localStorage.setItem(key, value);
	} catch {
		/* storage denied: nothing is remembered */
	}
}
