import { RuntimeStoppingError } from '../connector/errors.js';
import { toEnvelope, type Envelopeish } from '../connector/envelope.js';
import type { DeliveryReceipt, SourceSendOptions, SourceSender } from '../connector/sender.js';
import type { PublishPipeline } from './publish-pipeline.js';

/**
 * The {@link SourceSender} given to streaming connectors. `send` resolves once the runtime
 * accepted the record (waiting while the buffer is full) with a receipt that settles after
 * durable publish. Once the runtime began to stop, `send` rejects with
 * {@link RuntimeStoppingError}; sends still waiting for room then reject too.
 */
export class StreamSender implements SourceSender {
  private readonly pipeline: PublishPipeline;
  private stoppedWith: Error | undefined;

  constructor(pipeline: PublishPipeline) {
    this.pipeline = pipeline;
  }

  /** Whether `stop` was called. */
  get stopped(): boolean {
    return this.stoppedWith !== undefined;
  }

  send(item: Envelopeish, options?: SourceSendOptions): Promise<DeliveryReceipt> {
    if (this.stoppedWith !== undefined) return Promise.reject(this.stoppedWith);
    try {
      return this.pipeline.accept(toEnvelope(item), true, options?.signal);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  async sendBatch(items: readonly Envelopeish[]): Promise<DeliveryReceipt[]> {
    if (this.stoppedWith !== undefined) throw this.stoppedWith;
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
