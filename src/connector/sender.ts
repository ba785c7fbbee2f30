import type { Envelopeish } from './envelope.js';

/**
 * How one record ended. `published`: durably stored by Danube on `topic` (the partition
 * topic). `skipped` / `dead_lettered`: it could not be published and the failure policy
 * (`processing.failure_policy`) dropped it with a log + metric or sent it to the dead-letter
 * topic. Under the default `fail` policy a record that cannot be published rejects
 * `delivered` with the error instead (and the runtime stops).
 */
export type DeliveryResult =
  | { status: 'published'; topic: string; requestId: string; producerId: string }
  | { status: 'skipped' | 'dead_lettered'; error: Error };

/**
 * Proof of acceptance returned by `SourceSender.send`. Await `delivered` before acking the
 * upstream system (MQTT QoS 1 PUBACK, HTTP 202). A receipt nobody awaits never causes an
 * unhandled rejection.
 *
 * @example
 * ```ts
 * const receipt = await sender.send(record);
 * const result = await receipt.delivered;   // rejects if the record failed under policy 'fail'
 * if (result.status === 'published') packet.ack();
 * ```
 */
export interface DeliveryReceipt {
  /** Settles once the record is durably published or finally failed. */
  readonly delivered: Promise<DeliveryResult>;
}

/** Options of {@link SourceSender.send}. */
export interface SourceSendOptions {
  /** Abort the wait for room in the runtime's buffer (the record is then not accepted). */
  signal?: AbortSignal;
}

/**
 * Hands records to the runtime in streaming mode. `send` resolves as soon as the runtime
 * accepted the record; it waits while the runtime's bounded buffer is full
 * (`processing.buffer_size`), which is how backpressure reaches the connector. After the
 * runtime began to stop, `send` rejects with `RuntimeStoppingError`.
 *
 * @example
 * ```ts
 * async startStreaming(sender: SourceSender, signal: AbortSignal) {
 *   client.on('message', (topic, payload, packet) => {
 *     void sender.send(SourceRecord.bytes('/iot/raw', payload))
 *       .then((r) => r.delivered)
 *       .then(() => client.ack(packet), (err) => log.warn(err));
 *   });
 * }
 * ```
 */
export interface SourceSender {
  /**
   * Accepts one record or envelope. With `options.signal`, stop waiting for room when it
   * aborts: `send` then rejects with the signal's reason and the record was **not**
   * accepted (nothing of it is published), e.g. to answer an HTTP request with 503 after a
   * deadline instead of holding it while the runtime is saturated.
   */
  send(item: Envelopeish, options?: SourceSendOptions): Promise<DeliveryReceipt>;
  /** Accepts several, in order; resolves once all are accepted. */
  sendBatch(items: readonly Envelopeish[]): Promise<DeliveryReceipt[]>;
  /**
   * Whether the runtime refuses new records (shutdown began): every `send` then rejects with
   * `RuntimeStoppingError`. Like Rust's `SourceSender::is_closed()`, it lets a callback-driven
   * connector stop taking from upstream — leaving messages unacknowledged for redelivery —
   * instead of reading them only to have `send` refuse them.
   *
   * @example
   * ```ts
   * client.on('message', (topic, payload, packet) => {
   *   if (sender.isClosed()) return; // not acked: the broker redelivers after the restart
   *   void forward(topic, payload, packet);
   * });
   * ```
   */
  isClosed(): boolean;
}
