import { RuntimeStoppingError } from '../connector/errors.js';
import { toEnvelope, type Envelopeish } from '../connector/envelope.js';
import type { DeliveryReceipt, SourceSendOptions, SourceSender } from '../connector/sender.js';
import type { PublishPipeline } from './publish-pipeline.js';
import type { SourceOutage } from './source-outage.js';
import { asError, isDanubeConnectError } from '../errors.js';

/** Options of {@link runStreamTask}. */
export interface StreamTaskOptions {
  /** The connector's `startStreaming`. */
  start: (sender: SourceSender, signal: AbortSignal) => Promise<void>;
  sender: StreamSender;
  /** Tracks the failing task: backoff, readiness, metric, logs and the time budget. */
  outage: SourceOutage;
  /** Aborts when the runtime stops. */
  signal: AbortSignal;
}

/**
 * Runs the connector's stream task. A retryable rejection (see `isRetryableConnectorFailure`)
 * starts it again after a backoff, with the same sender, without a count limit; the outage
 * ends when a restarted task returns or hands over a record. Rejects with a fatal rejection,
 * or when the outage outlasted `retry.source_retry_timeout_ms`; a `RuntimeStoppingError`
 * after `signal` aborted is the normal end.
 */
export async function runStreamTask(options: StreamTaskOptions): Promise<void> {
  const { start, sender, outage, signal } = options;
  for (;;) {
    try {
      await start(sender, signal);
      outage.recovered();
      return;
    } catch (error) {
      if (signal.aborted) {
        if (isDanubeConnectError(error, 'stopping')) return;
        throw error;
      }
      if (!(await outage.backOff(error, signal))) return;
    }
  }
}

/**
 * The {@link SourceSender} given to streaming connectors. `send` resolves once the runtime
 * accepted the record (waiting while the buffer is full) with a receipt that settles after
 * durable publish. Once the runtime began to stop, `send` rejects with
 * {@link RuntimeStoppingError}; sends still waiting for room then reject too.
 */
export class StreamSender implements SourceSender {
  private readonly pipeline: PublishPipeline;
  private readonly outage: SourceOutage | undefined;
  private stoppedWith: Error | undefined;

  /** `outage`, when given, ends at the first record handed over while it lasts. */
  constructor(pipeline: PublishPipeline, outage?: SourceOutage) {
    this.pipeline = pipeline;
    this.outage = outage;
  }

  isClosed(): boolean {
    return this.stoppedWith !== undefined;
  }

  send(item: Envelopeish, options?: SourceSendOptions): Promise<DeliveryReceipt> {
    if (this.stoppedWith !== undefined) return Promise.reject(this.stoppedWith);
    if (this.outage?.failing === true) this.outage.recovered();
    try {
      return this.pipeline.accept(toEnvelope(item), true, options?.signal);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  async sendBatch(items: readonly Envelopeish[]): Promise<DeliveryReceipt[]> {
    if (this.stoppedWith !== undefined) throw this.stoppedWith;
    if (items.length > 0 && this.outage?.failing === true) this.outage.recovered();
    const envelopes = items.map(toEnvelope);
    const receipts: Promise<DeliveryReceipt>[] = envelopes.map((envelope) =>
      this.pipeline.accept(envelope, true),
    );
    return Promise.all(receipts);
  }

  /** Refuses every later `send` with `error`. */
  stop(error: Error = new RuntimeStoppingError()): void {
    this.stoppedWith ??= error;
  }
}
