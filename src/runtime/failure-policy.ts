import { ConnectorError } from '../connector/errors.js';
import type { SourceRecord } from '../connector/record.js';
import type { Offset } from '../connector/offset.js';
import type { Logger } from '../observability/logger.js';
import type { RuntimeState } from '../observability/state.js';
import { encodeWithoutSchema } from '../schema/without-schema.js';
import { errorMessage } from './errors.js';
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

/** Options of {@link FailurePolicy}. */
export interface FailurePolicyOptions {
  policy: FailurePolicyName;
  connectorName: string;
  state: RuntimeState;
  logger: Logger;
  /** Required for `dead_letter`: the dead-letter producer and the publisher that retries it. */
  deadLetter?: { producer: PublishProducer; publisher: Publisher };
  /** Wall-clock time for `dlq.failed_at`; injectable for tests. */
  now?: () => number;
}

/**
 * Applies the failure policy to a record that finally failed (retries exhausted,
 * non-retryable broker error, schema-invalid, undeclared topic). Nothing is dropped
 * silently: every failure is counted (`failed` by error type) and logged, then
 *
 * - `fail`: throws a fatal `ConnectorError` naming the record; the runtime stops.
 * - `skip`: counted as skipped; resolves `'skipped'`.
 * - `dead_letter`: the record (serialized bytes if it got that far, else the payload
 *   without schema) goes to `processing.dead_letter_topic` with its key and attributes plus
 *   `dlq.error`, `dlq.error_type`, `dlq.source_topic`, `dlq.source_partition`,
 *   `dlq.offset_partition`, `dlq.offset`, `dlq.connector`, `dlq.failed_at`; resolves
 *   `'dead_lettered'` once that publish is confirmed. If it cannot be published either,
 *   throws a fatal error.
 */
export class FailurePolicy {
  private readonly options: FailurePolicyOptions;

  constructor(options: FailurePolicyOptions) {
    if (options.policy === 'dead_letter' && options.deadLetter === undefined) {
      throw ConnectorError.config(
        'processing.failure_policy = "dead_letter" needs processing.dead_letter_topic',
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
    const context = {
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
      case 'dead_letter': {
        const deadLetter = this.options.deadLetter as NonNullable<
          FailurePolicyOptions['deadLetter']
        >;
        const attributes: Record<string, string> = {
          ...failure.record.attributes,
          'dlq.error': reason,
          'dlq.error_type': errorType,
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
        try {
          const bytes = failure.payload ?? encodeWithoutSchema(failure.record.payload, topic);
          await deadLetter.publisher.publish(deadLetter.producer, bytes, {
            partition: deadLetter.producer.route(key),
            ...(key === undefined ? {} : { key }),
            attributes,
          });
        } catch (dlqError) {
          throw ConnectorError.fatal(
            `${where} failed (${reason}) and could not be sent to the dead-letter topic ${deadLetter.producer.topic}: ${errorMessage(dlqError)}`,
            { cause: dlqError },
          );
        }
        logger.warn(
          { ...context, deadLetterTopic: deadLetter.producer.topic },
          `dead-lettered ${where}: ${reason}`,
        );
        state.recordDeadLettered(topic);
        return 'dead_lettered';
      }
      case 'fail':
        logger.error({ ...context, err: failure.error }, `${where} failed: ${reason}`);
        throw ConnectorError.fatal(
          `${where} could not be published: ${reason} (processing.failure_policy = "fail" stops the connector; "skip" or "dead_letter" keep it running)`,
          { cause: failure.error },
        );
    }
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
