import { DanubeConnectError } from '../errors.js';

/** The value of an {@link Offset}: the connector's own, opaque to the runtime. */
export type OffsetValue = bigint | number | string;

/**
 * A position in the external system (row id, LSN, cursor, message id) within one
 * offset partition. The runtime never interprets the value: it hands the offset back
 * through `commit()` once the record and everything handed over before it in the same
 * partition is published (or finally skipped / dead-lettered).
 *
 * An offset may carry metadata (Rust's `Offset::with_metadata`): text of the connector's own
 * returned with it, e.g. the broker session or file generation the value belongs to.
 *
 * @example
 * ```ts
 * const offset = Offset.of('orders', 42n);
 * offset.toString(); // 'orders@42'
 * ```
 */
export class Offset {
  /** The offset partition (a table, a shard, a stream): commit order is kept per partition. */
  readonly partition: string;
  /** The connector's value, returned unchanged. */
  readonly value: OffsetValue;
  /** The connector's metadata, returned unchanged; undefined when none was given. */
  readonly metadata: string | undefined;

  private constructor(partition: string, value: OffsetValue, metadata: string | undefined) {
    this.partition = partition;
    this.value = value;
    this.metadata = metadata;
    Object.freeze(this);
  }

  /**
   * Creates an offset. `partition` must be a non-empty string; a number value must be finite.
   *
   * @example
   * ```ts
   * Offset.of('partition-0', 42);
   * Offset.of('wal', '0/16B3748');
   * ```
   */
  static of(partition: string, value: OffsetValue): Offset {
    return Offset.create(partition, value, undefined);
  }

  /**
   * Creates an offset carrying metadata, as Rust's `Offset::with_metadata`: `commit()` gets it
   * back with the offset.
   *
   * @example
   * ```ts
   * Offset.withMetadata('partition-1', 100, 'session-7');
   * ```
   */
  static withMetadata(partition: string, value: OffsetValue, metadata: string): Offset {
    if (typeof metadata !== 'string') {
      throw new DanubeConnectError(
        'usage',
        `Offset.withMetadata: metadata of partition "${partition}" must be a string`,
      );
    }
    return Offset.create(partition, value, metadata);
  }

  private static create(
    partition: string,
    value: OffsetValue,
    metadata: string | undefined,
  ): Offset {
    if (typeof partition !== 'string' || partition.length === 0) {
      throw new DanubeConnectError('usage', 'Offset.of: partition must be a non-empty string');
    }
    if (typeof value === 'number' && !Number.isFinite(value)) {
      throw new DanubeConnectError(
        'usage',
        `Offset.of: value of partition "${partition}" must be finite`,
      );
    }
    if (typeof value !== 'number' && typeof value !== 'bigint' && typeof value !== 'string') {
      throw new DanubeConnectError(
        'usage',
        `Offset.of: value of partition "${partition}" must be a bigint, number or string`,
      );
    }
    return new Offset(partition, value, metadata);
  }

  /** Whether both offsets have the same partition, value (and value type) and metadata. */
  equals(other: Offset): boolean {
    return (
      this.partition === other.partition &&
      this.value === other.value &&
      this.metadata === other.metadata
    );
  }

  /** `partition@value`, for logs. */
  toString(): string {
    return `${this.partition}@${String(this.value)}`;
  }
}
