// The embed API's messages (spec §4, "Embed API"): what a page that embeds the lab in an iframe
// sends it through postMessage, and what the lab sends back. Pure: reading a message decides
// whether it is for us, malformed, or a call to make; embed-bridge.ts does the posting.

/** The version the lab announces in its `ready` event. */
export const EMBED_API_VERSION = 1;

/** The calls, with the same meaning as window.ringlab's methods of the same name. */
export const EMBED_CALLS = ['load', 'run', 'step', 'back', 'seek', 'state', 'share'] as const;
export type EmbedCall = (typeof EMBED_CALLS)[number];

/** A message id: the page chooses it, the reply carries it back. */
export type EmbedId = string | number;

/** What the lab posts to the embedding page. */
export type EmbedOut =
	| { ringlab: 1; event: 'ready'; version: number }
	| { ringlab: 1; event: 'position'; position: number; length: number }
	| { ringlab: 1; id: EmbedId; ok: true; result: unknown }
	| { ringlab: 1; id: EmbedId; ok: false; error: { message: string; errno?: string } };

/** A message read: not for the lab (no reply), malformed (an error reply), or a call to make. */
export type EmbedIn =
	| { kind: 'ignore' }
	| { kind: 'malformed'; id: EmbedId; message: string }
	| { kind: 'call'; id: EmbedId; call: EmbedCall; args: unknown[] };

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

const isId = (v: unknown): v is EmbedId =>
	(typeof v === 'string' && v.length > 0 && v.length <= 200) ||
	(typeof v === 'number' && Number.isFinite(v));

/** Why `args` do not suit `call`, or null when they do. */
function argsProblem(call: EmbedCall, args: unknown[]): string | null {
	const most = call === 'load' || call === 'seek' ? 1 : call === 'step' ? 1 : 0;
	if (args.length > most)
		return `"${call}" takes ${most === 0 ? 'no arguments' : 'one argument'}, not ${args.length}`;
	if (call === 'load' && args.length !== 1)
		return '"load" takes one argument: the scenario (an object or JSON text)';
	if (call === 'seek' && !(typeof args[0] === 'number' && Number.isSafeInteger(args[0])))
		return '"seek" takes one argument: a timeline position (a whole number)';
	if (call === 'step' && args.length === 1 && typeof args[0] !== 'string')
		return '"step" takes no argument, or the name of a context (a string)';
	return null;
}

/**
 * Reads a message posted to the lab. Messages without `ringlab: 1` or without a usable `id`
 * are ignored (there is no one to answer); any other shape that is not a call this API makes
 * is malformed, and answered as such without doing anything.
 */
export function readEmbedMessage(data: unknown): EmbedIn {
	if (!isRecord(data) || data.ringlab !== 1 || 'event' in data || 'ok' in data)
		return { kind: 'ignore' };
	if (!isId(data.id)) return { kind: 'ignore' };
	const id = data.id;
	const call = data.call;
	if (typeof call !== 'string' || !(EMBED_CALLS as readonly string[]).includes(call))
		return {
			kind: 'malformed',
			id,
			message: `"call" must be one of ${EMBED_CALLS.join(', ')}, not ${JSON.stringify(call) ?? 'undefined'}`
		};
	if (data.args !== undefined && !Array.isArray(data.args))
		return { kind: 'malformed', id, message: '"args" must be an array when given' };
	const args = (data.args as unknown[] | undefined) ?? [];
	const problem = argsProblem(call as EmbedCall, args);
	if (problem) return { kind: 'malformed', id, message: problem };
	return { kind: 'call', id, call: call as EmbedCall, args };
}

/** The error part of a reply, from whatever a call threw or rejected with. */
export function embedError(e: unknown): { message: string; errno?: string } {
	const message = e instanceof Error ? e.message : String(e);
	const errno = isRecord(e) && typeof e.errno === 'string' ? e.errno : undefined;
	return errno ? { message, errno } : { message };
}
