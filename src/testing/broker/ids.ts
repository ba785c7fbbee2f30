import { randomBytes } from 'node:crypto';
import { DanubeConnectError } from '../../errors.js';

/** Produces u64 ids (producer, consumer, schema). */
export type IdGenerator = () => bigint;

const U64_MAX = 0xffffffffffffffffn;

/** A random id over the full u64 range, as the real broker draws them. */
export function randomU64(): bigint {
  return randomBytes(8).readBigUInt64BE(0);
}

/**
 * Wraps an id generator so that every id it hands out is a valid u64, unique among the
 * ids for which `taken` answers true.
 */
export function uniqueIds(generate: IdGenerator, taken: (id: string) => boolean): () => string {
  return () => {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const id = generate();
      if (id < 0n || id > U64_MAX)
        throw new DanubeConnectError('usage', `id generator returned ${id}, not a u64`);
      const text = id.toString();
      if (!taken(text)) return text;
    }
    throw new DanubeConnectError('usage', 'id generator keeps returning ids already in use');
  };
}
