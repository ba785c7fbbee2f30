import { DanubeConnectError } from '../errors.js';

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
 * A configuration file that cannot be used (kind `config`). Every problem of the file is reported at once:
 * `message` has one line per problem, `problems` has them structured.
 *
 * @example
 * ```ts
 * try { await loadConfig(settings) } catch (error) {
 *   if (error instanceof ConfigError) for (const p of error.problems) console.error(p.path, p.message);
 * }
 * ```
 */
export class ConfigError extends DanubeConnectError {
  override readonly name: string = 'ConfigError';
  declare readonly kind: 'config';
  /** The file as it was named (path given or `CONNECTOR_CONFIG_PATH`); `''` when none. */
  declare readonly file: string;
  /** Every problem of the file, in the order found. */
  readonly problems: readonly ConfigProblem[];

  /**
   * @param file - the file as it was named, `''` when none
   * @param problems - every problem found; `keyPath` is set when there is exactly one
   * @param options - the underlying error
   */
  constructor(file: string, problems: readonly ConfigProblem[], options?: { cause?: unknown }) {
    const only = problems.length === 1 ? problems[0]?.path : undefined;
    super('config', problems.map((problem) => formatProblem(file, problem)).join('\n'), {
      file,
      keyPath: only === '' ? undefined : only,
      cause: options?.cause,
    });
    this.problems = problems;
  }
}
