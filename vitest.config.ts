import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Examples import the package by name, like user code; inside the repo that name points at
// the sources (scripts/self-reference-hooks.mjs does the same for ts-node, tsconfig `paths`
// for tsc). Longest names first so the subpaths win.
const source = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^danube-connect-core\/client$/, replacement: source('./src/client/index.ts') },
      { find: /^danube-connect-core\/testing$/, replacement: source('./src/testing/index.ts') },
      { find: /^danube-connect-core$/, replacement: source('./src/index.ts') },
    ],
  },
  test: {
    // Compiles the sources, fixtures and bench once per run for the tests that start Node
    // processes (test/support/built.ts).
    globalSetup: ['test/global-setup.ts'],
    include: ['test/**/*.test.ts', 'examples/**/*.test.ts', 'docs/snippets/**/*.test.ts'],
    // Outer bounds only (tests await events): generous, so that a loaded machine is slow
    // rather than failing. Waits in process tests say what they awaited sooner
    // (test/support/await-event.ts).
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Much of the suite waits on child processes and broker round trips: one worker more
    // than cores keeps the CPUs busy (vitest's default, cores - 1, ran one file at a time on
    // a 2-core machine: 240 s instead of 96 s).
    maxWorkers: availableParallelism() + 1,
  },
});
