import type { JsonValue } from '../schema/payload.js';
import { ConnectorError } from './errors.js';

/** Matches a UTF-16 surrogate that is not part of a pair (not representable in UTF-8). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Throws `invalid_data` when `text` holds a lone surrogate, which UTF-8 cannot carry. */
export function assertWellFormed(text: string, what: string): void {
  if (LONE_SURROGATE.test(text)) {
    throw ConnectorError.invalidData(
      `${what} is not valid Unicode (lone surrogate): it cannot be sent as UTF-8`,
    );
  }
}

/**
 * Deepest nesting of arrays/objects accepted in a JSON record. Danube's Rust consumers read
 * JSON with serde_json, whose default recursion limit (128) refuses 128 levels or more:
 * refusing such a value here gives a clear error instead of a message no sink can read
 * (and stays far from the call-stack limit of the recursive walks below).
 */
const MAX_JSON_DEPTH = 127;

function describe(path: string): string {
  return path === '' ? 'the value' : `the value at ${path}`;
}

function isToJson(value: object): value is { toJSON: (key: string) => unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * Turns a serializable value into a {@link JsonValue} with JSON.stringify's rules
 * (`toJSON` is called, `undefined` / functions / symbols are left out of objects and become
 * `null` in arrays), but refuses what JSON would silently corrupt or cannot represent:
 * BigInt, NaN / ±Infinity, cycles. Errors name the path, e.g. `$.items[3].price`.
 */
export function toJsonValue(input: unknown, topic: string): JsonValue {
  const ancestors: object[] = [];

  const visit = (value: unknown, key: string, path: string): JsonValue | undefined => {
    if (value !== null && typeof value === 'object' && isToJson(value)) {
      value = value.toJSON(key);
    }
    switch (typeof value) {
      case 'string':
        assertWellFormed(value, `record for ${topic}: ${describe(path)}`);
        return value;
      case 'boolean':
        return value;
      case 'number':
        if (!Number.isFinite(value)) {
          throw ConnectorError.invalidData(
            `record for ${topic}: ${describe(path)} is ${String(value)}, which JSON cannot represent`,
          );
        }
        return value;
      case 'bigint':
        throw ConnectorError.invalidData(
          `record for ${topic}: ${describe(path)} is a BigInt (${value}n); convert it to a string or number first`,
        );
      case 'undefined':
      case 'function':
      case 'symbol':
        return undefined;
      default:
        break;
    }
    if (value === null) return null;
    const obj = value as object;
    if (obj instanceof Map || obj instanceof Set) {
      throw ConnectorError.invalidData(
        `record for ${topic}: ${describe(path)} is a ${obj instanceof Map ? 'Map' : 'Set'}, which JSON would turn into {}; convert it first (Object.fromEntries / Array.from)`,
      );
    }
    if (ancestors.includes(obj)) {
      throw ConnectorError.invalidData(
        `record for ${topic}: ${describe(path)} is a circular reference`,
      );
    }
    if (ancestors.length >= MAX_JSON_DEPTH) {
      throw ConnectorError.invalidData(
        `record for ${topic}: the value nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep, which Danube's Rust consumers (serde_json) cannot read`,
      );
    }
    ancestors.push(obj);
    try {
      if (Array.isArray(obj)) {
        return obj.map(
          (item: unknown, i) => visit(item, String(i), `${path || '$'}[${i}]`) ?? null,
        );
      }
      const out: { [key: string]: JsonValue } = {};
      for (const [k, v] of Object.entries(obj)) {
        assertWellFormed(k, `record for ${topic}: a key in ${describe(path)}`);
        const converted = visit(v, k, `${path || '$'}.${k}`);
        if (converted !== undefined) out[k] = converted;
      }
      return out;
    } finally {
      ancestors.pop();
    }
  };

  const result = visit(input, '', '');
  if (result === undefined) {
    throw ConnectorError.invalidData(
      `record for ${topic}: ${typeof input} values cannot be serialized to JSON`,
    );
  }
  return result;
}
