/** Rust's `char::is_alphanumeric` (Unicode letters and numbers), `_` and `-`. */
const SEGMENT = /^[\p{Alphabetic}\p{N}_-]+$/u;
const PARTITION_MARK = '-part-';

/**
 * Whether `topic` is `/namespace/name` with two segments of letters, digits (Unicode ones
 * too, as the real broker), `_` and `-`. Stricter than the real broker, which also lets
 * empty segments and a missing leading `/` through.
 */
export function isValidTopicName(topic: string): boolean {
  const parts = topic.split('/');
  return (
    parts.length === 3 &&
    parts[0] === '' &&
    SEGMENT.test(parts[1] ?? '') &&
    SEGMENT.test(parts[2] ?? '')
  );
}

/** The message the real broker gives for a malformed topic name. */
export function invalidTopicMessage(topic: string): string {
  return `The topic: ${topic} has an invalid format, should be: /namespace_name/topic_name`;
}

/** The namespace of a valid topic name. */
export function namespaceOf(topic: string): string {
  return topic.split('/')[1] ?? '';
}

/** For a partition topic `T-part-<i>` its base `T`; undefined for other names. */
export function partitionBase(topic: string): string | undefined {
  const at = topic.lastIndexOf(PARTITION_MARK);
  return at > 0 ? topic.slice(0, at) : undefined;
}

/** The partition index of `T-part-<i>`, or undefined. */
export function partitionIndex(topic: string): number | undefined {
  const at = topic.lastIndexOf(PARTITION_MARK);
  if (at <= 0) return undefined;
  const index = Number(topic.slice(at + PARTITION_MARK.length));
  return Number.isInteger(index) ? index : undefined;
}
