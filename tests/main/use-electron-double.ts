/**
 * Import first: from here on `import … from 'electron'` gets the recording
 * double (electron-double.ts). Static imports are all resolved before any
 * module runs, so a test imports the glue dynamically, after this:
 *
 *   import './use-electron-double.ts';
 *   const { startApp } = await import('../../src/main/app.ts');
 *
 * The test and the glue then share the one double module (same URL).
 */

import { register } from 'node:module';

register(new URL('./electron-double-hooks.mjs', import.meta.url), {
  data: { doubleUrl: new URL('./electron-double.ts', import.meta.url).href },
});
