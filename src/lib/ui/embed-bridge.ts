// The embed API's postMessage side (spec §4, "Embed API"): in an iframe, the lab tells its
// parent page when it is ready and where the timeline is after every change, and answers the
// parent's calls with the same object as window.ringlab (page-api.ts). Calls run one at a time,
// in the order they arrive.
import {
	EMBED_API_VERSION,
	embedError,
	readEmbedMessage,
	type EmbedCall,
	type EmbedOut
} from './embed-protocol';
import type { RinglabApi } from './page-api';

export interface EmbedBridge {
	/** Posts `ready` to the parent: the lab shows what its URL asked for and takes calls. */
	ready(): void;
	/** Posts `position` to the parent when the timeline's position or length changed (after ready). */
	position(position: number, length: number): void;
	/** Stops listening. */
	remove(): void;
}

/** Makes `call` on `api`; window.ringlab rejects what it cannot do, and so does the bridge. */
async function perform(api: RinglabApi, call: EmbedCall, args: unknown[]): Promise<unknown> {
	switch (call) {
		case 'load':
			return api.load(args[0]);
		case 'run':
			return api.run();
		case 'step':
			return api.step(args[0] as string | undefined);
		case 'back':
			return api.back();
		case 'seek':
			return api.seek(args[0] as number);
		case 'state':
			return api.state();
		case 'share':
			return api.share();
	}
}

/**
 * Listens for the parent page's calls when the page is in a frame; null otherwise. `api` is
 * read at each call (window.ringlab, installed by installPageApi).
 */
export function installEmbedBridge(api: () => RinglabApi | undefined): EmbedBridge | null {
	const parent = window.parent;
	if (parent === window) return null;
	let queue: Promise<void> = Promise.resolve();
	let told = '';
	let isReady = false;
	// `ready` and `position` say nothing private: any embedding page may hear them.
	const tell = (msg: EmbedOut) => parent.postMessage(msg, '*');

	function onMessage(e: MessageEvent): void {
		// Only the page that embeds the lab drives it; other frames are not listened to.
		if (e.source !== parent) return;
		const read = readEmbedMessage(e.data);
		if (read.kind === 'ignore') return;
		// The reply goes to the window that asked, at its origin (an opaque origin reads 'null').
		const source = e.source;
		const reply = (msg: EmbedOut) =>
			source.postMessage(msg, { targetOrigin: e.origin === 'null' ? '*' : e.origin });
		if (read.kind === 'malformed') {
			reply({ ringlab: 1, id: read.id, ok: false, error: { message: read.message } });
			return;
		}
		queue = queue.then(async () => {
			const target = api();
			try {
				if (!target) throw new Error('the lab is not ready yet');
				const result = await perform(target, read.call, read.args);
				reply({ ringlab: 1, id: read.id, ok: true, result });
			} catch (err) {
				reply({ ringlab: 1, id: read.id, ok: false, error: embedError(err) });
			}
		});
	}

	window.addEventListener('message', onMessage);
	return {
		ready() {
			isReady = true;
			tell({ ringlab: 1, event: 'ready', version: EMBED_API_VERSION });
		},
		position(position, length) {
			if (!isReady) return;
			const now = `${position}/${length}`;
			if (now === told) return;
			told = now;
			tell({ ringlab: 1, event: 'position', position, length });
		},
		remove: () => window.removeEventListener('message', onMessage)
	};
}
