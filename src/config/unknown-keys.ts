import {
  type AnySchema,
  type KeyPath,
  arrayElement,
  formatPath,
  isTable,
  objectInfo,
  unionOptions,
  unwrapField,
} from './zod-walk.js';

/** A key the schema does not declare. */
export interface UnknownKey {
  readonly path: KeyPath;
  /** Message for the problem, with a did-you-mean hint when one fits. */
  readonly message: string;
  /** The object is strict (`z.strictObject`): always an error, even outside strict mode. */
  readonly refused: boolean;
}

/**
 * Keys configs written for the Rust runtime carry although it never read them (serde ignored
 * unknown keys), with the key that does the job. Found in the upstream webhook connector's
 * sample configuration.
 */
export const RUST_IGNORED_KEYS: Readonly<Record<string, string>> = {
  'retry.initial_interval_ms': 'retry_backoff_ms',
  'retry.max_interval_ms': 'max_backoff_ms',
};

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = d[i];
      if (row !== undefined) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate closest to `key`, if it is close enough to be a plausible typo. */
export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (best === undefined || distance < best.distance) best = { candidate, distance };
  }
  if (best !== undefined && best.distance <= Math.max(1, Math.floor(key.length / 3))) {
    return best.candidate;
  }
  if (lower.length >= 4) {
    return candidates.find(
      (c) => c.toLowerCase().includes(lower) || lower.includes(c.toLowerCase()),
    );
  }
  return undefined;
}

/** Message for an unknown key: the Rust note, a typo hint, or a key of another table. */
function unknownKeyMessage(
  path: KeyPath,
  candidates: readonly string[],
  elsewhere: ReadonlyMap<string, string>,
): string {
  const key = String(path[path.length - 1]);
  const rust = RUST_IGNORED_KEYS[formatPath(path)];
  if (rust !== undefined) {
    return `unknown key (did you mean "${rust}"? the Rust runtime ignored this key too)`;
  }
  const hint = didYouMean(key, candidates) ?? elsewhere.get(key);
  return hint === undefined ? 'unknown key' : `unknown key (did you mean "${hint}"?)`;
}

/** Options of {@link findUnknownKeys}. */
export interface UnknownKeyScan {
  /** Key name → qualified key of another table (`batch_size` → `processing.batch_size`), for misplaced keys. */
  readonly elsewhere?: ReadonlyMap<string, string>;
}

/**
 * Walks a parsed value along its schema and lists the keys the schema does not declare.
 * Loose objects (`z.looseObject`) accept anything; unions of tables accept the keys of any
 * member; records and other schemas are not entered.
 */
export function findUnknownKeys(
  schema: AnySchema,
  value: unknown,
  path: KeyPath,
  scan: UnknownKeyScan = {},
  out: UnknownKey[] = [],
): UnknownKey[] {
  const { base } = unwrapField(schema);
  const object = objectInfo(base);
  if (object !== undefined) {
    if (isTable(value)) findInTable(object.shape, object.mode, value, path, scan, out);
    return out;
  }
  const element = arrayElement(base);
  if (element !== undefined) {
    if (Array.isArray(value))
      value.forEach((item, i) => findUnknownKeys(element, item, [...path, i], scan, out));
    return out;
  }
  const options = unionOptions(base);
  if (options !== undefined && isTable(value)) {
    const members = options.map((option) => objectInfo(unwrapField(option).base));
    if (members.length > 0 && members.every((m) => m !== undefined)) {
      if (members.some((m) => m.mode === 'loose')) return out;
      const known = new Set(members.flatMap((m) => Object.keys(m.shape)));
      const refused = members.every((m) => m.mode === 'strict');
      for (const key of Object.keys(value)) {
        if (!known.has(key)) {
          const keyPath = [...path, key];
          out.push({
            path: keyPath,
            message: unknownKeyMessage(keyPath, [...known], scan.elsewhere ?? new Map()),
            refused,
          });
        }
      }
    }
  }
  return out;
}

/** {@link findUnknownKeys} for a table given by its shape (used for the file's root). */
export function findInTable(
  shape: Readonly<Record<string, AnySchema>>,
  mode: 'strip' | 'strict' | 'loose',
  table: Readonly<Record<string, unknown>>,
  path: KeyPath,
  scan: UnknownKeyScan = {},
  out: UnknownKey[] = [],
): UnknownKey[] {
  const candidates = Object.keys(shape);
  for (const [key, value] of Object.entries(table)) {
    const field = shape[key];
    const keyPath = [...path, key];
    if (field !== undefined) {
      findUnknownKeys(field, value, keyPath, scan, out);
    } else if (mode !== 'loose') {
      out.push({
        path: keyPath,
        message: unknownKeyMessage(keyPath, candidates, scan.elsewhere ?? new Map()),
        refused: mode === 'strict',
      });
    }
  }
  return out;
}
