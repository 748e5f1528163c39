// The lessons the page offers: the scenario files of scenarios/lessons/, bundled as a chunk of
// their own that loads after the lab is up (the first load does not wait for them).
import type { Scenario } from '$lib/ring';

export interface LessonEntry {
	/** The file name without .json: also the `?lesson=` value. */
	slug: string;
	title: string;
	scenario: unknown;
}

const files = import.meta.glob('/scenarios/lessons/*.json', { import: 'default' });

/** Every lesson, in file order (the files are numbered in teaching order). */
export async function loadLessons(): Promise<LessonEntry[]> {
	const entries = await Promise.all(
		Object.entries(files).map(async ([path, load]) => {
			const scenario = (await load()) as Scenario;
			const slug = path
				.split('/')
				.pop()!
				.replace(/\.json$/, '');
			const title = (scenario.title ?? slug).replace(/^Lesson: /, '');
			return { slug, title, scenario };
		})
	);
	return entries.sort((a, b) => a.slug.localeCompare(b.slug, 'en', { numeric: true }));
}
