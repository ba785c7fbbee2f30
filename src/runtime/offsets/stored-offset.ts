import { Offset, type OffsetValue } from '../../connector/offset.js';
import { DanubeConnectError, errorMessage } from '../../errors.js';

/** The type an offset value had when it was saved; it comes back as the same type. */
export type StoredOffsetType = 'bigint' | 'number' | 'string';

/**
 * An offset as an {@link OffsetStore} keeps it: plain strings, so any store can hold it
 * (a JSON file, a text column, a Redis hash) and give back the exact value and type.
 *
 * @example
 * ```ts
 * // Offset.of('orders', 42n) is stored as
 * const stored: StoredOffset = { partition: 'orders', type: 'bigint', value: '42' };
 * ```
 */
export interface StoredOffset {
  /** The offset partition. */
  readonly partition: string;
  /** The value's type: `bigint`, `number` or `string`. */
  readonly type: StoredOffsetType;
  /** The value as text: decimal digits for a bigint, the shortest exact text of a number. */
  readonly value: string;
  /** The offset's metadata (`Offset.withMetadata`), kept as given. */
  readonly metadata?: string | undefined;
}

const TYPES: readonly StoredOffsetType[] = ['bigint', 'number', 'string'];
const BIGINT_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** The text a value is stored as (`-0` keeps its sign; `String(-0)` would not). */
function valueText(value: OffsetValue): string {
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return String(value);
}

/** The stored form of an offset. */
export function toStoredOffset(offset: Offset): StoredOffset {
  return {
    partition: offset.partition,
    type: typeof offset.value as StoredOffsetType,
    value: valueText(offset.value),
    ...(offset.metadata === undefined ? {} : { metadata: offset.metadata }),
  };
}

/**
 * Reads `text` as an offset value of `type`; throws (kind `usage`) saying what was expected.
 * (`danube-connect offsets reset --to` reads its argument with it.)
 */
export function parseOffsetValue(type: StoredOffsetType, text: string): OffsetValue {
  switch (type) {
    case 'bigint':
      if (!BIGINT_TEXT.test(text))
        throw new DanubeConnectError('usage', `expected an integer, got "${text}"`);
      return BigInt(text);
    case 'number': {
      const value = Number(text);
      if (!NUMBER_TEXT.test(text) || !Number.isFinite(value))
        throw new DanubeConnectError('usage', `expected a finite number, got "${text}"`);
      return value;
    }
    case 'string':
      return text;
  }
}

/** The offset a stored one stands for; `source` names where it came from in errors. */
export function fromStoredOffset(stored: StoredOffset, source: string): Offset {
  try {
    const value = parseOffsetValue(stored.type, stored.value);
    return stored.metadata === undefined
      ? Offset.of(stored.partition, value)
      : Offset.withMetadata(stored.partition, value, stored.metadata);
  } catch (error) {
    throw new DanubeConnectError(
      'fatal',
      `${source}: offset of partition "${stored.partition}" (${stored.type}): ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Checks data read from a store (a file, a row) and returns it as a {@link StoredOffset};
 * throws (kind `fatal`: the stored offsets cannot be trusted) naming `where` and what is wrong.
 */
export function parseStoredOffset(raw: unknown, where: string): StoredOffset {
  if (!isPlainObject(raw)) throw new DanubeConnectError('fatal', `${where}: expected an object`);
  const { partition, type, value, metadata } = raw;
  if (typeof partition !== 'string' || partition === '')
    throw new DanubeConnectError('fatal', `${where}: "partition" must be a non-empty string`);
  if (typeof type !== 'string' || !TYPES.includes(type as StoredOffsetType))
    throw new DanubeConnectError('fatal', `${where}: "type" must be one of ${TYPES.join(', ')}`);
  if (typeof value !== 'string')
    throw new DanubeConnectError('fatal', `${where}: "value" must be a string`);
  if (metadata !== undefined && metadata !== null && typeof metadata !== 'string')
    throw new DanubeConnectError('fatal', `${where}: "metadata" must be a string`);
  const stored: StoredOffset = {
    partition,
    type: type as StoredOffsetType,
    value,
    ...(typeof metadata === 'string' ? { metadata } : {}),
  };
  fromStoredOffset(stored, where);
  return stored;
}
