import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a64, partitionForKey, partitionTopicName } from '../../src/client/index.js';
import { parsePartitionTopic } from '../../src/client/routing.js';
import { ROUTING_VECTORS } from './fixtures.js';

/** FNV-1a 64 written straight from its definition, with BigInt: the reference. */
function referenceFnv1a64(key: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash;
}

describe('key routing', () => {
  it.each(ROUTING_VECTORS)('key %j hashes and routes as the vectors', (key, hash, m4, m8, m7) => {
    expect(fnv1a64(key)).toBe(hash);
    expect(partitionForKey(key, 4)).toBe(m4);
    expect(partitionForKey(key, 8)).toBe(m8);
    expect(partitionForKey(key, 7)).toBe(m7);
  });

  it('hashes every string (ASCII, multi-byte, lone surrogates) as the BigInt definition does', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })),
        fc.integer({ min: 1, max: 100_000 }),
        (key, partitions) => {
          const hash = referenceFnv1a64(key);
          expect(fnv1a64(key)).toBe(hash);
          expect(partitionForKey(key, partitions)).toBe(Number(hash % BigInt(partitions)));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('names partition topics <topic>-part-<i>, and parses them back', () => {
    expect(partitionTopicName('/default/t', 3)).toBe('/default/t-part-3');
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), (topic, index) => {
        expect(parsePartitionTopic(partitionTopicName(topic, index))).toEqual({ topic, index });
      }),
    );
    expect(parsePartitionTopic('/default/t')).toBeUndefined();
    expect(parsePartitionTopic('/default/t-part-')).toBeUndefined();
    expect(parsePartitionTopic('/default/t-part-x')).toBeUndefined();
  });
});
