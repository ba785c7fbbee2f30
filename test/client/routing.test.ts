import { describe, expect, it } from 'vitest';
import { fnv1a64, partitionForKey, partitionTopicName } from '../../src/client/index.js';
import { ROUTING_VECTORS } from './fixtures.js';

describe('key routing', () => {
  it.each(ROUTING_VECTORS)('key %j hashes and routes as the vectors', (key, hash, m4, m8, m7) => {
    expect(fnv1a64(key)).toBe(hash);
    expect(partitionForKey(key, 4)).toBe(m4);
    expect(partitionForKey(key, 8)).toBe(m8);
    expect(partitionForKey(key, 7)).toBe(m7);
  });

  it('names partition topics <topic>-part-<i>', () => {
    expect(partitionTopicName('/default/t', 3)).toBe('/default/t-part-3');
  });
});
