// Lets `node --import ./scripts/register-ts.mjs file.ts` run TypeScript sources directly
// (benchmarks, test fixtures in child processes, examples). Type checking is left to `tsc`:
// transpile-only keeps start-up fast.
import { register } from 'node:module';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

process.env.TS_NODE_TRANSPILE_ONLY ??= 'true';
register('ts-node/esm', pathToFileURL('./'));
// Registered last so it runs first: maps `danube-connect-core` to src/ (see the hook file).
register('./self-reference-hooks.mjs', import.meta.url);
