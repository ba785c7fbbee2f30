import { Offset } from './offset.js';
import { SourceRecord } from './record.js';
import { DanubeConnectError } from '../errors.js';

/**
 * A record plus, optionally, the external position it came from. Offsets are handed back
 * through `SourceConnector.commit` once the record (and everything before it in the same
 * offset partition) is published.
 *
 * @example
 * ```ts
 * SourceEnvelope.withOffset(SourceRecord.from('/db/orders', row), Offset.of('orders', row.id));
 * ```
 */
export class SourceEnvelope {
  /** The record to publish. */
  readonly record: SourceRecord;
  /** Where it came from, if the connector tracks positions. */
  readonly offset: Offset | undefined;

  private constructor(record: SourceRecord, offset: Offset | undefined) {
    if (!(record instanceof SourceRecord))
      throw new DanubeConnectError('usage', 'SourceEnvelope needs a SourceRecord');
    if (offset !== undefined && !(offset instanceof Offset)) {
      throw new DanubeConnectError(
        'usage',
        'SourceEnvelope offset must be created with Offset.of(partition, value)',
      );
    }
    this.record = record;
    this.offset = offset;
    Object.freeze(this);
  }

  /**
   * An envelope without an offset (nothing to commit for it).
   *
   * @example
   * ```ts
   * SourceEnvelope.of(SourceRecord.string('/logs/app', line));
   * ```
   */
  static of(record: SourceRecord): SourceEnvelope {
    return new SourceEnvelope(record, undefined);
  }

  /**
   * An envelope carrying the record's external position.
   *
   * @example
   * ```ts
   * SourceEnvelope.withOffset(record, Offset.of('partition-0', 42));
   * ```
   */
  static withOffset(record: SourceRecord, offset: Offset): SourceEnvelope {
    return new SourceEnvelope(record, offset);
  }
}

/** What `poll()` returns and `SourceSender.send` accepts: a bare record or an envelope. */
export type Envelopeish = SourceRecord | SourceEnvelope;

/**
 * Normalizes a record or envelope into an envelope.
 *
 * @example
 * ```ts
 * toEnvelope(SourceRecord.number('/m/x', 1)).offset; // undefined
 * ```
 */
export function toEnvelope(item: Envelopeish): SourceEnvelope {
  if (item instanceof SourceEnvelope) return item;
  if (item instanceof SourceRecord) return SourceEnvelope.of(item);
  throw new DanubeConnectError(
    'usage',
    'expected a SourceRecord or SourceEnvelope (create records with SourceRecord.json/from/string/number/bytes)',
  );
}
