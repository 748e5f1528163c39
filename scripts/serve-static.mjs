// Serves build/ the way a plain static host does: no COOP/COEP headers, SPA fallback to index.html.
// Used by the Playwright test of the copying transport. Usage: node scripts/serve-static.mjs PORT
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const root = join(import.meta.dirname, '..', 'build');
const types = {
	'.html': 'text/html',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.svg': 'image/svg+xml',
	'.json': 'application/json'
};
const port = Number(process.argv[2] ?? 4174);

createServer(async (req, res) => {
	const path = normalize(
		decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
	).replace(/^(\.\.[/\\])+/, '');
	let file = join(root, path);
	let body = await readFile(file).catch(() => null);
	if (!body) {
		file = join(root, 'index.html');
		body = await readFile(file).catch(() => null);
	}
	if (!body) {
		res.writeHead(503).end('not built yet');
		return;
	}
	res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
	res.end(body);
}).listen(port, '127.0.0.1');
