#!/usr/bin/env node
// The `ringlab` command: runs the TypeScript CLI through tsx's loader (no build step needed).
import { register } from 'tsx/esm/api';
register();
// A reader that stops early (`ringlab run f.json | head`) closes the pipe: stop quietly, as cat does.
for (const stream of [process.stdout, process.stderr])
	stream.on('error', (e) => {
		if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
		throw e;
	});
const { cli } = await import('../src/cli/main.ts');
process.exitCode = await cli(process.argv.slice(2));
