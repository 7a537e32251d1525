/**
 * The renderer's files for the web mode: a fixed set read once from the built
 * renderer directory (dist/renderer). Serving only files listed at start-up
 * means no request path ever reaches the file system, so there is no path
 * traversal to get wrong.
 */

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/** Largest file served; the renderer bundle is a few hundred KB. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Loads every servable file under `dir` (one level of subdirectories) into a
 * map keyed by URL path ("/index.html", "/main.js"). "/" maps to index.html.
 */
export function loadStaticFiles(dir: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const add = (abs: string, urlPath: string) => {
    const type = CONTENT_TYPES[extname(abs)];
    if (!type) return;
    const st = statSync(abs);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return;
    files.set(urlPath, { body: readFileSync(abs), contentType: type });
  };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isFile()) add(join(dir, e.name), `/${e.name}`);
    else if (e.isDirectory()) {
      for (const f of readdirSync(join(dir, e.name), { withFileTypes: true })) {
        if (f.isFile()) add(join(dir, e.name, f.name), `/${e.name}/${f.name}`);
      }
    }
  }
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

/**
 * Where the built renderer is: next to the bundled CLI (dist/cli.js →
 * dist/renderer), or under the repository's dist/ when running from source.
 * Returns null when it has not been built.
 */
export function findRendererDir(from: string = fileURLToPath(import.meta.url)): string | null {
  let dir = dirname(from);
  for (let i = 0; i < 6; i++) {
    for (const candidate of [join(dir, 'renderer'), join(dir, 'dist', 'renderer')]) {
      if (existsSync(join(candidate, 'index.html')) && existsSync(join(candidate, 'main.js'))) return candidate;
    }
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}
