// How far a learner got in each lesson, kept in localStorage under `ringlab.lesson.TITLE`: the
// timeline position and the choice made at each prediction. Storage may be denied (readSetting
// and writeSetting never throw), and what is stored may be anything: it is checked on reading.

import { readSetting, writeSetting } from './storage';

export interface LessonProgress {
	/** The timeline position the learner was at. */
	position: number;
	/** The choice (its index in the file) made at each prediction, by the prediction's index. */
	answers: Record<number, number>;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The storage key of a lesson. */
export function progressKey(title: string): string {
	return `ringlab.lesson.${title}`;
}

/** The progress stored for a lesson, or null (none, unreadable, or storage denied). */
export function readProgress(title: string): LessonProgress | null {
	const raw = readSetting(progressKey(title));
	if (raw === null) return null;
	let v: unknown;
	try {
		v = JSON.parse(raw);
	} catch {
		return null;
	}
	if (typeof v !== 'object' || v === null) return null;
	const { position, answers } = v as Record<string, unknown>;
	if (!isIndex(position) || typeof answers !== 'object' || answers === null) return null;
	const kept: Record<number, number> = {};
	for (const [k, c] of Object.entries(answers))
		if (/^\d+$/.test(k) && isIndex(c)) kept[Number(k)] = c;
	return { position, answers: kept };
}

/** Remembers a lesson's progress when the browser allows it. */
export function writeProgress(title: string, progress: LessonProgress): void {
	writeSetting(progressKey(title), JSON.stringify(progress));
}
