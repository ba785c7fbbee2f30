// Lets `node --import ./scripts/register-ts.mjs file.ts` run TypeScript sources directly
// (benchmarks, test fixtures in child processes, examples). Type checking is left to `tsc`:
// transpile-only keeps start-up fast.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

process.env.TS_NODE_TRANSPILE_ONLY ??= 'true';
register('ts-node/esm', pathToFileURL('./'));
