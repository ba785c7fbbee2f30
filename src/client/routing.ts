const encoder = new TextEncoder();

/**
 * FNV-1a 64-bit over `bytes` (or the char codes of an ASCII string, which are its UTF-8
 * bytes), kept as four 16-bit limbs (lowest first) so the hot path never touches BigInt:
 * routing a key runs once per record.
 */
function fnvLimbs(key: string): [number, number, number, number] {
  let h0 = 0x2325;
  let h1 = 0x8422;
  let h2 = 0x9ce4;
  let h3 = 0xcbf2;
  const step = (byte: number): void => {
    h0 ^= byte;
    // hash × (2^40 + 0x1b3) mod 2^64: the 0x1b3 part per limb, 2^40 = limb shift 2 + 8 bits
    const t0 = h0 * 0x1b3;
    const t1 = h1 * 0x1b3 + (t0 >>> 16);
    const t2 = h2 * 0x1b3 + (h0 << 8) + (t1 >>> 16);
    const t3 = h3 * 0x1b3 + (h1 << 8) + (t2 >>> 16);
    h0 = t0 & 0xffff;
    h1 = t1 & 0xffff;
    h2 = t2 & 0xffff;
    h3 = t3 & 0xffff;
  };
  let ascii = true;
  for (let i = 0; i < key.length; i += 1) {
    if (key.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    for (let i = 0; i < key.length; i += 1) step(key.charCodeAt(i));
  } else {
    for (const byte of encoder.encode(key)) step(byte);
  }
  return [h0, h1, h2, h3];
}

/** FNV-1a 64-bit hash of the key's UTF-8 bytes, as the Danube Rust client computes it. */
export function fnv1a64(key: string): bigint {
  const [h0, h1, h2, h3] = fnvLimbs(key);
  return (BigInt(h3) << 48n) | (BigInt(h2) << 32n) | (BigInt(h1) << 16n) | BigInt(h0);
}

/** The partition index a routing key maps to: `fnv1a64(key) mod partitions`. */
export function partitionForKey(key: string, partitions: number): number {
  if (partitions === 1) return 0;
  const [h0, h1, h2, h3] = fnvLimbs(key);
  // Horner over the limbs; every intermediate stays below partitions × 2^16 + 2^16 (exact).
  let rest = h3 % partitions;
  rest = (rest * 0x10000 + h2) % partitions;
  rest = (rest * 0x10000 + h1) % partitions;
  return (rest * 0x10000 + h0) % partitions;
}

/** The name of partition `index` of `topic`: `<topic>-part-<index>`. */
export function partitionTopicName(topic: string, index: number): string {
  return `${topic}-part-${index}`;
}

const PARTITION_TOPIC = /^(.+)-part-(\d+)$/s;

/**
 * The inverse of {@link partitionTopicName}: the topic and index of `<topic>-part-<index>`,
 * undefined for any other name (a plain topic).
 */
export function parsePartitionTopic(name: string): { topic: string; index: number } | undefined {
  const match = PARTITION_TOPIC.exec(name);
  if (match === null) return undefined;
  return { topic: match[1] ?? '', index: Number(match[2]) };
}
