// Module resolution hook (node:module register()): `electron` resolves to the
// test double instead of node_modules/electron, whose index.js needs the
// binary. Registered by use-electron-double.ts; plain JS because hooks load in
// their own thread, before anything else has a say in how files are read.

let doubleUrl = '';

export function initialize(data) {
  doubleUrl = data.doubleUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'electron' || specifier === 'electron/main') return { url: doubleUrl, shortCircuit: true };
  return nextResolve(specifier, context);
}
