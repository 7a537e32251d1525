#!/usr/bin/env node
// The `headroom` command. Runs the bundled build in dist/, rebuilding it first
// when it is missing or older than src/ (a cheap check), so no TypeScript
// loader stays resident in a long-running monitor.
import { ensureBuild } from '../scripts/setup.mjs';

try {
  ensureBuild();
} catch (err) {
  process.stderr.write(`headroom: cannot build dist/ (${err.message}); run \`npm install\` in the repository first\n`);
  process.exit(2);
}
const { main } = await import(new URL('../dist/cli.js', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
