import type { SendOptions } from '../client/producer.js';
import type { SendReceipt } from '../client/partition-producer.js';
import { DanubeConnectError, isDanubeConnectError } from '../errors.js';
import { backoffDelay, retryWithBackoff, type BackoffSettings } from './backoff.js';
import { sleep, type Clock } from './clock.js';
import { PublishTimeoutError } from './errors.js';

/** The part of the client's `Producer` the runtime uses (a fake in unit tests). */
export interface PublishProducer {
  readonly topic: string;
  readonly name: string;
  readonly partitionTopics: readonly string[];
  /** The partition index for `key` (round-robin without a key; 0 for a plain topic). */
  route(key?: string): number;
  /** Sends one payload; resolves when the broker acknowledged it. */
  send(payload: Uint8Array, options?: SendOptions): Promise<SendReceipt>;
  /** Closes the producer (all its partitions). */
  close(): Promise<void>;
}

/** Settings of a {@link Publisher}. */
export interface PublisherOptions {
  clock: Clock;
  backoff: BackoffSettings;
  /** `retry.publish_timeout_ms`: no new attempt starts after this much time. */
  publishTimeoutMs: number;
  /** Counts one retry of a send to `topic`. */
  onRetry?: (topic: string, error: unknown) => void;
  /** Aborts every waiting retry and in-flight send (shutdown deadline). */
  signal?: AbortSignal;
}

/**
 * Whether a failed send may succeed if sent again: an error of a retryable kind (broker
 * unavailable or not answering in time, a producer it lost, a temporary rejection) and
 * `internal` ones (a broker answer or transport failure the client cannot classify gets the
 * benefit of the doubt until the publish deadline). Not retried: `oversize`, `config`,
 * `schema`, our own cancellation (`stopping`, `aborted`), the publish deadline (`timeout`),
 * and anything that is not ours (a bug, not a transient condition).
 */
export function isRetryablePublishError(error: unknown): boolean {
  return isDanubeConnectError(error) && (error.retryable || error.kind === 'internal');
}

/**
 * Sends serialized records with the runtime owning retries: one attempt straight away (the
 * hot path allocates nothing more), then exponential backoff with jitter until
 * `retry.publish_timeout_ms` has passed since the first attempt.
 */
export class Publisher {
  private readonly options: PublisherOptions;

  constructor(options: PublisherOptions) {
    this.options = options;
  }

  /** Publishes `payload` to partition `options.partition` of `producer`. */
  publish(
    producer: PublishProducer,
    payload: Uint8Array,
    options: SendOptions,
  ): Promise<SendReceipt> {
    const { clock, signal } = this.options;
    const started = clock.now();
    const sendOptions: SendOptions = signal === undefined ? options : { ...options, signal };
    return producer
      .send(payload, sendOptions)
      .catch((first: unknown) => this.retry(producer, payload, options, started, first));
  }

  /** After a failed first attempt: retries with backoff until `publish_timeout_ms`. */
  private async retry(
    producer: PublishProducer,
    payload: Uint8Array,
    options: SendOptions,
    started: number,
    first: unknown,
  ): Promise<SendReceipt> {
    const { clock, signal } = this.options;
    if (signal?.aborted || !isRetryablePublishError(first)) throw first;
    const topic = producer.partitionTopics[options.partition ?? 0] ?? producer.topic;
    const { backoff, onRetry, publishTimeoutMs } = this.options;
    const deadline = started + publishTimeoutMs;
    let attempts = 1;
    // The cause reported when the deadline cuts an attempt: the last broker error, not the
    // abort that ended the attempt.
    let lastCause: unknown = first;
    onRetry?.(topic, first);
    await sleep(
      clock,
      Math.min(backoffDelay(1, backoff), Math.max(0, deadline - clock.now())),
      signal,
    );
    return retryWithBackoff(
      async () => {
        attempts += 1;
        // A retry may meet a broker that is down (the client then reconnects and looks the
        // topic up again): bound the attempt by what is left of publish_timeout_ms.
        const attempt = new AbortController();
        const timer = clock.setTimeout(
          () =>
            attempt.abort(
              new DanubeConnectError('timeout', 'retry.publish_timeout_ms reached', { topic }),
            ),
          Math.max(0, deadline - clock.now()),
        );
        const forward = (): void => attempt.abort(signal?.reason);
        signal?.addEventListener('abort', forward, { once: true });
        try {
          return await producer.send(payload, { ...options, signal: attempt.signal });
        } catch (error) {
          if (attempt.signal.aborted && !signal?.aborted) {
            throw new PublishTimeoutError(topic, publishTimeoutMs, attempts, lastCause);
          }
          lastCause = error;
          throw error;
        } finally {
          clock.clearTimeout(timer);
          signal?.removeEventListener('abort', forward);
        }
      },
      {
        clock,
        backoff,
        attemptOffset: 1,
        isRetryable: (error) => !signal?.aborted && isRetryablePublishError(error),
        deadline,
        onDeadline: (last) => new PublishTimeoutError(topic, publishTimeoutMs, attempts, last),
        onRetry: (error) => onRetry?.(topic, error),
        ...(signal === undefined ? {} : { signal }),
      },
    );
  }
}
