// The explore Worker (the page's Explore panel): runs `ringlab explore` on a scenario off the page's
// thread, posting progress while it runs and the panel's report at the end. The page stops it by
// terminating the Worker (Cancel).
import { FormatError, parseScenario } from '../ring';
import { explore } from '../ring/explore';
import { exploreReport } from './explore-report';
import type { ExploreMessage, ExploreRequest } from './explore-protocol';

const post = (m: ExploreMessage) => self.postMessage(m);

self.onmessage = (e: MessageEvent<ExploreRequest>) => {
	try {
		const scenario = parseScenario(e.data.scenario);
		const result = explore(scenario, {
			...(e.data.maxStates !== undefined ? { maxStates: e.data.maxStates } : {}),
			progressMs: 200,
			onProgress: (p) => post({ type: 'progress', ...p })
		});
		post({ type: 'done', report: exploreReport(scenario, result) });
	} catch (err) {
		post({
			type: 'error',
			message:
				err instanceof FormatError
					? `the scenario is malformed at ${err.message}`
					: String((err as Error).message ?? err)
		});
	}
};
