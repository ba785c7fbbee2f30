/** One step into a JSON value: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Formats a location as JSONPath: `$`, `$.temperature`, `$.items[3]`, `$["odd key"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Turns a list of keys (all strings, as ajv and avsc report them) into path segments, using
 * the value itself to tell array indices from object keys that look like numbers.
 */
export function keysToSegments(keys: Iterable<string>, root: unknown): PathSegment[] {
  const segments: PathSegment[] = [];
  let current: unknown = root;
  for (const key of keys) {
    if (Array.isArray(current)) {
      const index = Number(key);
      segments.push(index);
      current = current[index];
    } else {
      segments.push(key);
      current =
        current !== null && typeof current === 'object'
          ? (current as Record<string, unknown>)[key]
          : undefined;
    }
  }
  return segments;
}

/** Converts a JSON Pointer (ajv's `instancePath`, e.g. `/items/3`) to path segments. */
export function pointerToSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const keys = pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  return keysToSegments(keys, root);
}

/**
 * The location of the first number JSON cannot carry (NaN, ±Infinity) inside `value`, or
 * `undefined` when there is none. JSON.stringify would silently turn them into `null`.
 */
export function findNonFiniteNumber(
  value: unknown,
): { segments: PathSegment[]; value: number } | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { segments: [], value };
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonFiniteNumber(value[i]);
      if (found !== undefined) {
        found.segments.unshift(i);
        return found;
      }
    }
    return undefined;
  }
  if (ArrayBuffer.isView(value)) return undefined;
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const found = findNonFiniteNumber((value as Record<string, unknown>)[key]);
    if (found !== undefined) {
      found.segments.unshift(key);
      return found;
    }
  }
  return undefined;
}

/** Matches a UTF-16 surrogate that is not part of a pair: UTF-8 cannot carry it. */
export const LONE_SURROGATE = /\p{Cs}/u;
