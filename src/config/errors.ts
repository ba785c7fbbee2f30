/** One problem found in a configuration file. */
export interface ConfigProblem {
  /** Key path such as `schemas[1].version_strategy`; `''` for the file as a whole. */
  readonly path: string;
  /** What was expected, e.g. `expected number, got string`. Never contains a secret value. */
  readonly message: string;
  /** For malformed TOML: 1-based line and column of the error. */
  readonly line?: number;
  readonly column?: number;
}

/** `<file>: <path>: <message>`, the one-line form used in errors and warnings. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const prefix = file === '' ? '' : `${file}: `;
  return problem.path === ''
    ? `${prefix}${problem.message}`
    : `${prefix}${problem.path}: ${problem.message}`;
}

/**
 * A configuration file that cannot be used. Every problem of the file is reported at once:
 * `message` has one line per problem, `problems` has them structured.
 *
 * @example
 * ```ts
 * try { await loadConfig(settings) } catch (error) {
 *   if (error instanceof ConfigError) for (const p of error.problems) console.error(p.path, p.message);
 * }
 * ```
 */
export class ConfigError extends Error {
  /** Same classification as connector errors: configuration mistakes are never retried. */
  readonly kind = 'config' as const;
  /** The file as it was named (path given or `CONNECTOR_CONFIG_PATH`); `''` when none. */
  readonly file: string;
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    super(problems.map((problem) => formatProblem(file, problem)).join('\n'), options);
    this.name = 'ConfigError';
    this.file = file;
    this.problems = problems;
  }
}
