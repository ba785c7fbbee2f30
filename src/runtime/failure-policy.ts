import type { DeadLetterFallback } from '../config/types.js';
import type { SourceRecord } from '../connector/record.js';
import type { Offset } from '../connector/offset.js';
import type { Logger } from '../observability/logger.js';
import type { RuntimeState } from '../observability/state.js';
import { encodeWithoutSchema } from '../schema/without-schema.js';
import {
  DanubeConnectError,
  errorMessage,
  isDanubeConnectError,
  type ErrorKind,
} from '../errors.js';
import type { Publisher, PublishProducer } from './publisher.js';

/** What `processing.failure_policy` does with a record that finally failed to publish. */
export type FailurePolicyName = 'fail' | 'skip' | 'dead_letter';

/** One record that could not be published. */
export interface RecordFailure {
  record: SourceRecord;
  offset: Offset | undefined;
  /** The partition topic it was meant for, when routing got that far. */
  partitionTopic: string | undefined;
  /** The serialized bytes, when serialization got that far. */
  payload: Uint8Array | undefined;
  error: unknown;
}

/** The dead-letter topic's producer and how to publish to it. */
export interface DeadLetterTarget {
  producer: PublishProducer;
  /** The publisher that retries it (until `retry.publish_timeout_ms`). */
  publisher: Publisher;
  /** `processing.dead_letter_max_payload_bytes`: longer payloads are cut to this size. */
  maxPayloadBytes: number;
  /** `processing.dead_letter_fallback`: what a refusal by the dead-letter topic leads to. */
  fallback: DeadLetterFallback;
}

/** The fields every log line about a failed record carries. */
interface FailureLogContext {
  topic: string;
  partitionTopic: string | undefined;
  offset: string | undefined;
  errorType: ErrorKind;
  policy: FailurePolicyName;
}

/** Options of {@link FailurePolicy}. */
export interface FailurePolicyOptions {
  policy: FailurePolicyName;
  connectorName: string;
  state: RuntimeState;
  logger: Logger;
  /** Required for `dead_letter`: where dead letters go and what happens when they cannot. */
  deadLetter?: DeadLetterTarget;
  /** Wall-clock time for `dlq.failed_at`; injectable for tests. */
  now?: () => number;
}

/**
 * Applies the failure policy to a record that finally failed (retries exhausted,
 * non-retryable broker error, schema-invalid, undeclared topic). Nothing is dropped
 * silently: every failure is counted (`failed` by error type) and logged, then
 *
 * - `fail`: throws a `fatal` error naming the record; the runtime stops.
 * - `skip`: counted as skipped; resolves `'skipped'`.
 * - `dead_letter`: the record (serialized bytes if it got that far, else the payload
 *   without schema) goes to `processing.dead_letter_topic` with its key and attributes plus
 *   `dlq.error`, `dlq.error_type`, `dlq.source_topic`, `dlq.source_partition`,
 *   `dlq.offset_partition`, `dlq.offset`, `dlq.connector`, `dlq.failed_at`; a payload over
 *   `dead_letter_max_payload_bytes` is cut to that size and marked `dlq.truncated = "true"`,
 *   `dlq.original_size`. Resolves `'dead_lettered'` once that publish is confirmed. When
 *   the dead-letter topic refuses it, `dead_letter_fallback` decides: `skip` (error log,
 *   resolves `'skipped'`) or `fail` (throws a fatal error). A dead-letter publish that timed
 *   out (the broker is down) throws a fatal error whatever the fallback, and one cut short by
 *   the stop rethrows as it is: neither is the record's fault.
 */
export class FailurePolicy {
  private readonly options: FailurePolicyOptions;

  constructor(options: FailurePolicyOptions) {
    if (options.policy === 'dead_letter' && options.deadLetter === undefined) {
      throw new DanubeConnectError(
        'config',
        'processing.failure_policy = "dead_letter" needs processing.dead_letter_topic',
        { keyPath: 'processing.dead_letter_topic' },
      );
    }
    this.options = options;
  }

  /** The configured policy. */
  get policy(): FailurePolicyName {
    return this.options.policy;
  }

  /** Applies the policy; see the class description. */
  async apply(failure: RecordFailure): Promise<'skipped' | 'dead_lettered'> {
    const { state, logger, policy } = this.options;
    const topic = failure.record.topic;
    const errorType = state.recordFailed(topic, failure.error);
    const where = describeRecord(failure);
    const reason = state.redactor.redact(errorMessage(failure.error));
    const context: FailureLogContext = {
      topic,
      partitionTopic: failure.partitionTopic,
      offset: failure.offset?.toString(),
      errorType,
      policy,
    };
    switch (policy) {
      case 'skip':
        logger.warn({ ...context, err: failure.error }, `skipping ${where}: ${reason}`);
        state.recordSkipped(topic);
        return 'skipped';
      case 'dead_letter':
        return this.deadLetter(failure, where, reason, context);
      case 'fail':
        logger.error({ ...context, err: failure.error }, `${where} failed: ${reason}`);
        throw new DanubeConnectError(
          'fatal',
          `${where} could not be published: ${reason} (processing.failure_policy = "fail" stops the connector; "skip" or "dead_letter" keep it running)`,
          {
            cause: failure.error,
            topic,
            offset: context.offset,
            keyPath: 'processing.failure_policy',
          },
        );
    }
  }

  /** `dead_letter`: publishes the record to the dead-letter topic, or applies the fallback. */
  private async deadLetter(
    failure: RecordFailure,
    where: string,
    reason: string,
    context: FailureLogContext,
  ): Promise<'skipped' | 'dead_lettered'> {
    const { state, logger } = this.options;
    const topic = failure.record.topic;
    const deadLetter = this.options.deadLetter as DeadLetterTarget;
    const attributes: Record<string, string> = {
      ...failure.record.attributes,
      'dlq.error': reason,
      'dlq.error_type': context.errorType,
      'dlq.source_topic': topic,
      'dlq.connector': this.options.connectorName,
      'dlq.failed_at': new Date((this.options.now ?? Date.now)()).toISOString(),
    };
    if (failure.partitionTopic !== undefined)
      attributes['dlq.source_partition'] = failure.partitionTopic;
    if (failure.offset !== undefined) {
      attributes['dlq.offset_partition'] = failure.offset.partition;
      attributes['dlq.offset'] = String(failure.offset.value);
    }
    const key = failure.record.key;
    const dlqTopic = deadLetter.producer.topic;
    try {
      const bytes = failure.payload ?? encodeWithoutSchema(failure.record.payload, topic);
      await deadLetter.publisher.publish(
        deadLetter.producer,
        fitPayload(bytes, deadLetter.maxPayloadBytes, attributes),
        {
          partition: deadLetter.producer.route(key),
          ...(key === undefined ? {} : { key }),
          attributes,
        },
      );
    } catch (dlqError) {
      if (isDanubeConnectError(dlqError, 'stopping')) throw dlqError;
      // Not a refusal: the dead-letter topic did not answer within retry.publish_timeout_ms.
      const timedOut = isDanubeConnectError(dlqError, 'timeout');
      const refusal = `${where} failed (${reason}) and the dead-letter topic ${dlqTopic} refused it: ${errorMessage(dlqError)}`;
      if (deadLetter.fallback === 'skip' && !timedOut) {
        logger.error(
          { ...context, deadLetterTopic: dlqTopic, err: dlqError },
          `${refusal}; skipped (processing.dead_letter_fallback = "skip")`,
        );
        state.recordSkipped(topic);
        return 'skipped';
      }
      throw new DanubeConnectError(
        'fatal',
        timedOut
          ? `${where} failed (${reason}) and could not be sent to the dead-letter topic ${dlqTopic}: ${errorMessage(dlqError)}`
          : `${refusal} (processing.dead_letter_fallback = "fail" stops the connector; "skip" keeps it running)`,
        { cause: dlqError, topic, offset: context.offset },
      );
    }
    logger.warn({ ...context, deadLetterTopic: dlqTopic }, `dead-lettered ${where}: ${reason}`);
    state.recordDeadLettered(topic);
    return 'dead_lettered';
  }
}

function describeRecord(failure: RecordFailure): string {
  const parts = [`record for ${failure.record.topic}`];
  if (failure.partitionTopic !== undefined && failure.partitionTopic !== failure.record.topic) {
    parts.push(`(partition ${failure.partitionTopic})`);
  }
  if (failure.offset !== undefined) parts.push(`at offset ${failure.offset.toString()}`);
  return parts.join(' ');
}

/**
 * The payload as it goes to the dead-letter topic: cut to `limit` bytes when longer (the
 * broker refuses messages over its limit, which the client cannot see), noting it in
 * `attributes`.
 */
function fitPayload(
  bytes: Uint8Array,
  limit: number,
  attributes: Record<string, string>,
): Uint8Array {
  if (bytes.byteLength <= limit) return bytes;
  attributes['dlq.truncated'] = 'true';
  attributes['dlq.original_size'] = String(bytes.byteLength);
  return bytes.subarray(0, limit);
}
