// Module resolve hook: inside this repository, `danube-connect-core` (and its `/client` and
// `/testing` entry points) resolve to the TypeScript sources instead of the built `dist/`, so
// examples read like user code and still run without a build. Registered by register-ts.mjs.
import { URL } from 'node:url';

const entryPoints = new Map([
  ['danube-connect-core', '../src/index.ts'],
  ['danube-connect-core/client', '../src/client/index.ts'],
  ['danube-connect-core/testing', '../src/testing/index.ts'],
]);

export async function resolve(specifier, context, nextResolve) {
  const source = entryPoints.get(specifier);
  if (source === undefined) return nextResolve(specifier, context);
  return nextResolve(new URL(source, import.meta.url).href, context);
}
