const FNV_OFFSET_BASIS = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64_MASK = 0xffffffffffffffffn;
const encoder = new TextEncoder();

/** FNV-1a 64-bit hash of the key's UTF-8 bytes, as the Danube Rust client computes it. */
export function fnv1a64(key: string): bigint {
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(key)) {
    hash ^= BigInt(byte);
    hash = (hash * FNV_PRIME) & U64_MASK;
  }
  return hash;
}

/** The partition index a routing key maps to: `fnv1a64(key) mod partitions`. */
export function partitionForKey(key: string, partitions: number): number {
  return Number(fnv1a64(key) % BigInt(partitions));
}

/** The name of partition `index` of `topic`: `<topic>-part-<index>`. */
export function partitionTopicName(topic: string, index: number): string {
  return `${topic}-part-${index}`;
}
