#!/usr/bin/env node
// The `headroom` command. Runs the bundled build in dist/ (made by `npm install`
// via the prepare script, or `npm run build`), so no TypeScript loader stays
// resident in a long-running monitor.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('headroom: not built yet — run `npm install` (or `npm run build`) in the repository first\n');
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
