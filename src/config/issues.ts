import type { z } from 'zod';

/** TOML-flavoured name of a parsed value's type (no value is ever echoed: it may be secret). */
function tomlTypeOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return 'inf';
    return Number.isInteger(value) ? 'integer' : 'float';
  }
  if (typeof value === 'bigint') return 'integer';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'datetime';
  if (typeof value === 'object') return 'table';
  return typeof value;
}

const EXPECTED_NAMES: Readonly<Record<string, string>> = {
  int: 'integer',
  object: 'table',
  date: 'datetime',
};

function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function sizeMessage(
  origin: string,
  bound: number | bigint,
  inclusive: boolean | undefined,
  most: boolean,
): string {
  const n = Number(bound);
  if (origin === 'string') {
    if (!most && n === 1) return 'must not be empty';
    return `must be ${most ? 'at most' : 'at least'} ${n} characters long`;
  }
  if (origin === 'array' || origin === 'set') {
    if (!most && n === 1) return 'must not be empty';
    return `must have ${most ? 'at most' : 'at least'} ${n} entries`;
  }
  if (inclusive === false) return `must be ${most ? 'less' : 'greater'} than ${n}`;
  return `must be ${most ? 'at most' : 'at least'} ${n}`;
}

const INTEGER_FORMATS = new Set(['safeint', 'int32', 'uint32']);

/** True for `z.int()` and `z.number().int()` (their type errors say "number"). */
function isIntegerSchema(inst: unknown): boolean {
  const def = (inst as { _zod?: { def?: { format?: unknown; checks?: unknown[] } } } | undefined)
    ?._zod?.def;
  if (def === undefined) return false;
  if (typeof def.format === 'string' && INTEGER_FORMATS.has(def.format)) return true;
  return (def.checks ?? []).some((check) => isIntegerSchema(check));
}

/** Message of a required key nobody set. */
export const MISSING_KEY = 'required key missing';

/**
 * Per-parse zod error map giving friendly, value-free messages. Messages set on a schema
 * (custom refinements, the version-strategy and protobuf messages) take precedence over it.
 */
export function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return MISSING_KEY;
      {
        const expected =
          issue.expected === 'number' && isIntegerSchema(issue.inst) ? 'int' : issue.expected;
        return `expected ${EXPECTED_NAMES[expected] ?? expected}, got ${tomlTypeOf(issue.input)}`;
      }
    case 'too_big':
      return sizeMessage(issue.origin, issue.maximum, issue.inclusive, true);
    case 'too_small':
      return sizeMessage(issue.origin, issue.minimum, issue.inclusive, false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${quote(issue.values[0])}`
        : `expected one of ${issue.values.map(quote).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex'
        ? 'does not match the expected pattern'
        : `expected ${issue.format} format`;
    case 'invalid_union':
      return 'does not match any of the accepted forms';
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'invalid key';
    case 'invalid_element':
      return 'invalid entry';
    default:
      return undefined;
  }
}
