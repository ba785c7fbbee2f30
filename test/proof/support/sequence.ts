import { Offset } from '../../../src/connector/offset.js';
import { SourceEnvelope } from '../../../src/connector/envelope.js';
import { SourceRecord } from '../../../src/connector/record.js';

/** The offset partition every proof source uses. */
export const SOURCE_PARTITION = 'source';

/** Options of one numbered record stream. */
export interface SequenceOptions {
  /** Destination topic. */
  topic: string;
  /** Distinct routing keys, assigned round-robin (`key-0` … `key-{keys-1}`); 0 = no key. */
  keys: number;
}

/**
 * Record number `seq` of a proof stream: JSON `{ seq, key }`, key `key-{seq % keys}`,
 * attributes `seq` and `origin`. Everything a check needs is readable back from the
 * broker's stored message.
 */
export function sequenceRecord(seq: number, options: SequenceOptions): SourceRecord {
  const key = options.keys > 0 ? `key-${seq % options.keys}` : undefined;
  let record = SourceRecord.json(options.topic, {
    seq,
    key: key ?? null,
    note: 'proof',
  }).withAttributes({
    seq: String(seq),
    origin: 'proof',
  });
  if (key !== undefined) record = record.withKey(key);
  return record;
}

/** The envelope of record `seq`, with offset `source@seq`. */
export function sequenceEnvelope(seq: number, options: SequenceOptions): SourceEnvelope {
  return SourceEnvelope.withOffset(sequenceRecord(seq, options), Offset.of(SOURCE_PARTITION, seq));
}

/** Reads the `seq` back from a stored payload. */
export function seqOf(payload: Buffer): number {
  const value = JSON.parse(payload.toString('utf8')) as { seq?: unknown };
  if (typeof value.seq !== 'number')
    throw new Error(`stored payload has no seq: ${payload.toString('utf8')}`);
  return value.seq;
}
