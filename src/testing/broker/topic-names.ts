/** Rust's `char::is_alphanumeric` (Unicode letters and numbers), `_` and `-`. */
const SEGMENT = /^[\p{Alphabetic}\p{N}_-]+$/u;

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
