/**
 * The layering of src/ (CONTRIBUTING.md, "Layout and layering"), checked by `npm run lint`.
 * Type-only imports count: a cycle or an upward import through types couples the layers
 * all the same.
 * @type {import('dependency-cruiser').IConfiguration}
 */
export default {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycles in src/, type-only imports included.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'client-stands-alone',
      comment:
        'src/client imports nothing else of ours but the error base (src/errors.ts), so the client is usable on its own.',
      severity: 'error',
      from: { path: '^src/client/' },
      to: { path: '^src/', pathNot: '^src/(client/|errors[.]ts$)' },
    },
    {
      name: 'runtime-below-testing-and-cli',
      comment: 'src/runtime never imports the testing kit or the CLI.',
      severity: 'error',
      from: { path: '^src/runtime/' },
      to: { path: '^src/(testing|cli)/' },
    },
    {
      name: 'config-below-observability',
      comment: 'src/config does not import observability (redaction is the leaf src/redact.ts).',
      severity: 'error',
      from: { path: '^src/config/' },
      to: { path: '^src/observability/' },
    },
    {
      name: 'leaf-modules',
      comment: 'src/errors.ts and src/redact.ts import nothing of ours: every layer may use them.',
      severity: 'error',
      from: { path: '^src/(errors|redact)[.]ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'sources-stand-alone',
      comment: 'The package never imports tests, fixtures, the bench, examples or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { pathNot: '^(src/|node_modules/)', dependencyTypesNot: ['core'] },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
