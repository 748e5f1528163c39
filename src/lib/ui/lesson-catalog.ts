// The lessons the page offers: the scenario files of scenarios/lessons/. Their titles are in the
// page (a few hundred bytes, read at build time); a lesson's scenario is a chunk of its own,
// fetched when that lesson opens.

// Read at build time (vite.config.ts): the titles alone, not the lessons.
import titles from 'virtual:lesson-titles';

export interface LessonEntry {
	/** The file name without .json: also the `?lesson=` value. */
	slug: string;
	title: string;
	/** Fetches the lesson's scenario document. */
	load: () => Promise<unknown>;
}

const files = import.meta.glob('/scenarios/lessons/*.json', { import: 'default' });

/** Every lesson, in file order (the files are numbered in teaching order). */
export function loadLessons(): LessonEntry[] {
	const entries = Object.entries(files).map(([path, load]) => {
		const slug = path
			.split('/')
			.pop()!
			.replace(/\.json$/, '');
		const title = (titles[path] ?? slug).replace(/^Lesson: /, '');
		return { slug, title, load };
	});
	return entries.sort((a, b) => a.slug.localeCompare(b.slug, 'en', { numeric: true }));
}
