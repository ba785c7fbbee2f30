import { payloadProblem } from './payload-validation.js';
import type { SchemaRegistryStore } from './registry.js';
import type { TopicState } from './topics.js';

/** The schema fields of a message being published. */
export interface MessageSchemaFields {
  schemaId: string | undefined;
  schemaVersion: number | undefined;
  payload: Buffer;
}

/**
 * Result of validating a message: accepted, accepted with a warning, or refused;
 * `crashed` when the real broker's validator panics instead of answering (its call is reset).
 */
export type ValidationOutcome =
  { accepted: true; warning?: string } | { accepted: false; reason: string; crashed?: true };

/**
 * The topic's validation policy applied to a message, step by step as the real broker
 * does it: `none` accepts everything; without a topic subject `enforce` refuses; a missing
 * schema id or another subject's id is a warning under `warn` and a refusal under
 * `enforce`; an unknown schema id is refused; with payload validation on, a payload that
 * does not match its schema version is refused under `warn` and `enforce` alike, and a
 * protobuf payload crashes the real validator (Danube v0.15 does not implement it).
 */
export function validateMessage(
  topic: TopicState,
  message: MessageSchemaFields,
  registry: SchemaRegistryStore,
): ValidationOutcome {
  const policy = topic.validationPolicy;
  if (policy === 'none') return { accepted: true };
  const subject = topic.schemaSubject;
  const verdict = (reason: string): ValidationOutcome =>
    policy === 'enforce' ? { accepted: false, reason } : { accepted: true, warning: reason };
  if (subject === undefined) {
    return policy === 'enforce'
      ? { accepted: false, reason: `Topic ${topic.name} requires schema but none is configured` }
      : { accepted: true };
  }
  if (message.schemaId === undefined) {
    return verdict(
      `Message missing schema_id for topic ${topic.name} (expected subject: ${subject})`,
    );
  }
  const record = registry.subjectOfId(message.schemaId);
  if (!record)
    return { accepted: false, reason: `Schema ID ${message.schemaId} not found in registry` };
  if (record.subject !== subject) {
    return verdict(
      `Schema subject mismatch for topic ${topic.name}: message schema_id=${message.schemaId} belongs to subject '${record.subject}', but topic requires '${subject}'`,
    );
  }
  if (!topic.payloadValidation) return { accepted: true };
  const versionNumber = message.schemaVersion ?? 1;
  const version = registry.version(record, versionNumber);
  if (!version) {
    return {
      accepted: false,
      reason: `Schema version not found: ${record.subject}/${versionNumber}`,
    };
  }
  if (version.schema.type === 'protobuf') {
    return {
      accepted: false,
      crashed: true,
      reason: 'protobuf payload validation is not implemented by the Danube broker (it panics)',
    };
  }
  const problem = payloadProblem(version.schema, message.payload);
  return problem === undefined
    ? { accepted: true }
    : { accepted: false, reason: `Payload validation failed: ${problem}` };
}
