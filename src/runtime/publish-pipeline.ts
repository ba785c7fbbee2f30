import { RuntimeStoppingError } from '../connector/errors.js';
import type { SourceEnvelope } from '../connector/envelope.js';
import type { DeliveryReceipt } from '../connector/sender.js';
import type { Logger } from '../observability/logger.js';
import type { RuntimeState } from '../observability/state.js';
import type { PayloadCodec } from '../schema/types.js';
import { encodeWithoutSchema } from '../schema/without-schema.js';
import type { BoundedBuffer } from './bounded-buffer.js';
import type { Clock } from './clock.js';
import { createReceipt, type ReceiptSettler } from './delivery-receipt.js';
import { asError, DanubeConnectError } from '../errors.js';
import type { FailurePolicy } from './failure-policy.js';
import type { OffsetTicket, OffsetTracker } from './offset-tracker.js';
import { PartitionLanes } from './partition-lanes.js';
import type { Publisher, PublishProducer } from './publisher.js';

/** Where records of one Danube topic go: its producer and its schema codec, if any. */
export interface PublishTarget {
  producer: PublishProducer;
  codec: PayloadCodec | undefined;
}

/** Options of {@link PublishPipeline}. */
export interface PublishPipelineOptions {
  /** Declared topic → target. */
  targets: ReadonlyMap<string, PublishTarget>;
  publisher: Publisher;
  failurePolicy: FailurePolicy;
  /** Counts accepted-and-unsettled envelopes; makes intake wait at `buffer_size`. */
  buffer: BoundedBuffer;
  /** Tracks offsets for commits; undefined when the connector does not commit. */
  tracker: OffsetTracker | undefined;
  /** `processing.max_inflight_per_partition`. */
  maxInflightPerPartition: number;
  state: RuntimeState;
  clock: Clock;
  logger: Logger;
  /** Called after envelopes settled (published, skipped, dead-lettered): commit trigger. */
  onSettled: () => void;
  /** Called once per fatal failure (policy `fail`, dead-letter publish failed). */
  onFatal: (error: Error) => void;
}

interface Entry {
  readonly envelope: SourceEnvelope;
  readonly acceptedAt: number;
  readonly settler: ReceiptSettler | undefined;
  readonly ticket: OffsetTicket | undefined;
  target: PublishTarget | undefined;
  partition: number;
  partitionTopic: string | undefined;
  payload: Buffer | undefined;
}

/**
 * The data path after intake: route → serialize once → per-partition lane → publish with
 * retries → settle (offset tracker, receipt, buffer slot) or apply the failure policy.
 * Intake order is hand-over order: an envelope is dispatched synchronously when it is
 * admitted, and waiting envelopes are admitted first come, first served.
 */
export class PublishPipeline {
  private readonly options: PublishPipelineOptions;
  private readonly lanes: PartitionLanes<Entry>;
  private readonly inflightByTopic = new Map<string, number>();
  private readonly haltedLanes = new Map<string, Error>();
  private abandonedWith: Error | undefined;

  constructor(options: PublishPipelineOptions) {
    this.options = options;
    this.lanes = new PartitionLanes<Entry>(
      options.maxInflightPerPartition,
      (entry, lane) => this.publishEntry(entry, lane),
      (error) => options.logger.error({ err: error }, 'internal error in the publish pipeline'),
    );
  }

  /** Envelopes being sent (including their retries). */
  get inflight(): number {
    return this.lanes.inflight;
  }

  /** Envelopes waiting in their lane. */
  get queued(): number {
    return this.lanes.queued;
  }

  /**
   * Accepts an envelope at once if the buffer has room and nobody waits: true. Otherwise
   * false and nothing happened (call {@link PublishPipeline.accept}).
   */
  offer(envelope: SourceEnvelope): boolean {
    if (!this.options.buffer.tryAcquire()) return false;
    this.dispatch(envelope, undefined);
    return true;
  }

  /**
   * Accepts an envelope, waiting while the buffer is full; with `withReceipt` returns a
   * receipt whose `delivered` settles when the envelope is published or finally failed.
   * Rejects with `RuntimeStoppingError` once intake closed.
   */
  accept(
    envelope: SourceEnvelope,
    withReceipt: true,
    signal?: AbortSignal,
  ): Promise<DeliveryReceipt>;
  accept(envelope: SourceEnvelope, withReceipt: false): Promise<undefined>;
  accept(
    envelope: SourceEnvelope,
    withReceipt: boolean,
    signal?: AbortSignal,
  ): Promise<DeliveryReceipt | undefined> {
    const made = withReceipt ? createReceipt() : undefined;
    const settler = made?.settler;
    const buffer = this.options.buffer;
    if (buffer.tryAcquire()) {
      this.dispatch(envelope, settler);
      return Promise.resolve(made?.receipt);
    }
    return buffer.acquire(signal, () => this.dispatch(envelope, settler)).then(() => made?.receipt);
  }

  /**
   * Resolves once up to `wanted` envelopes can be offered without waiting: room for
   * `min(wanted, buffer_size / 16)` of them (at least one). A producer with many envelopes in
   * hand (the poll loop) wakes up once per chunk instead of once per settled envelope.
   * Rejects once intake closed.
   */
  whenRoom(wanted: number): Promise<void> {
    const buffer = this.options.buffer;
    return buffer.whenRoom(Math.min(wanted, Math.max(1, Math.floor(buffer.capacity / 16))));
  }

  /** Stops intake: waiting and later `accept` calls reject with `error`. */
  closeIntake(error: Error = new RuntimeStoppingError()): void {
    this.options.buffer.close(error);
  }

  /** Resolves once every accepted envelope is settled or abandoned. */
  drained(): Promise<void> {
    return this.options.buffer.whenEmpty();
  }

  /**
   * Gives up on everything not published yet (shutdown deadline): queued envelopes fail
   * with `error` at once, in-flight ones when their send is aborted (the publisher's
   * signal). None of them is committed; their receipts reject with `error`.
   */
  abandon(error: Error): void {
    this.abandonedWith ??= error;
    for (const entry of this.lanes.takeQueued()) this.finishUnpublished(entry, this.abandonedWith);
  }

  private dispatch(envelope: SourceEnvelope, settler: ReceiptSettler | undefined): void {
    const { tracker, state, targets } = this.options;
    const record = envelope.record;
    state.recordReceived(record.topic);
    const entry: Entry = {
      envelope,
      acceptedAt: this.options.clock.now(),
      settler,
      ticket:
        tracker !== undefined && envelope.offset !== undefined
          ? tracker.track(envelope.offset)
          : undefined,
      target: targets.get(record.topic),
      partition: 0,
      partitionTopic: undefined,
      payload: undefined,
    };
    this.updateBuffered();
    const target = entry.target;
    if (target === undefined) {
      const declared = [...targets.keys()].join(', ') || 'none';
      this.fail(
        entry,
        new DanubeConnectError(
          'invalid_data',
          `record for ${record.topic}: the topic is not declared by producerConfigs() (declared: ${declared})`,
          { topic: record.topic },
        ),
      );
      return;
    }
    try {
      entry.payload =
        target.codec === undefined
          ? encodeWithoutSchema(record.payload, record.topic)
          : target.codec.encode(record.payload);
      entry.partition = target.producer.route(record.key);
      entry.partitionTopic =
        target.producer.partitionTopics[entry.partition] ?? target.producer.topic;
    } catch (error) {
      this.fail(entry, error);
      return;
    }
    const stopped = this.haltedLanes.get(entry.partitionTopic) ?? this.abandonedWith;
    if (stopped !== undefined) {
      this.finishUnpublished(entry, stopped);
      return;
    }
    this.lanes.push(entry.partitionTopic, entry);
  }

  private async publishEntry(entry: Entry, lane: string): Promise<void> {
    const stopped = this.haltedLanes.get(lane) ?? this.abandonedWith;
    if (stopped !== undefined) {
      this.finishUnpublished(entry, stopped);
      return;
    }
    const target = entry.target as PublishTarget;
    const topic = target.producer.topic;
    const record = entry.envelope.record;
    this.addInflight(topic, 1);
    try {
      const sent = await this.options.publisher.publish(target.producer, entry.payload as Buffer, {
        partition: entry.partition,
        ...(record.key === undefined ? {} : { key: record.key }),
        attributes: record.attributes,
      });
      this.options.state.recordPublished(
        record.topic,
        (this.options.clock.now() - entry.acceptedAt) / 1000,
      );
      if (entry.ticket !== undefined) this.options.tracker?.settle(entry.ticket);
      entry.settler?.resolve({
        status: 'published',
        topic: sent.topic,
        requestId: sent.requestId,
        producerId: sent.producerId,
      });
      this.release();
    } catch (error) {
      if (this.abandonedWith !== undefined)
        this.finishUnpublished(entry, this.abandonedWith, error);
      else this.fail(entry, error);
    } finally {
      this.addInflight(topic, -1);
    }
  }

  /** Applies the failure policy; settles, or halts the lane and reports the fatal error. */
  private fail(entry: Entry, error: unknown): void {
    this.options.failurePolicy
      .apply({
        record: entry.envelope.record,
        offset: entry.envelope.offset,
        partitionTopic: entry.partitionTopic,
        payload: entry.payload,
        error,
      })
      .then(
        (status) => {
          if (entry.ticket !== undefined) this.options.tracker?.settle(entry.ticket);
          entry.settler?.resolve({ status, error: asError(error) });
          this.release();
        },
        (fatal: unknown) => {
          const fatalError = asError(fatal);
          if (this.abandonedWith !== undefined) {
            this.finishUnpublished(entry, this.abandonedWith, fatal);
            return;
          }
          if (entry.partitionTopic !== undefined) this.halt(entry.partitionTopic, fatalError);
          this.finishUnpublished(entry, fatalError);
          this.options.onFatal(fatalError);
        },
      );
  }

  /** No more sends on `lane` (ordering after a fatal failure); its queue fails with `error`. */
  private halt(lane: string, error: Error): void {
    if (this.haltedLanes.has(lane)) return;
    this.haltedLanes.set(lane, error);
    for (const entry of this.lanes.takeQueued((name) => name === lane))
      this.finishUnpublished(entry, error);
  }

  /** Ends an envelope that was not published: receipt rejects, slot freed, never committed. */
  private finishUnpublished(entry: Entry, error: Error, cause?: unknown): void {
    const reason =
      cause === undefined || cause === error
        ? error
        : new RuntimeStoppingError(`${error.message} (last error: ${asError(cause).message})`);
    entry.settler?.reject(reason);
    this.options.buffer.release();
    this.updateBuffered();
  }

  private release(): void {
    this.options.buffer.release();
    this.updateBuffered();
    this.options.onSettled();
  }

  private addInflight(topic: string, delta: number): void {
    const count = (this.inflightByTopic.get(topic) ?? 0) + delta;
    this.inflightByTopic.set(topic, count);
    this.options.state.setInflight(topic, count);
  }

  private updateBuffered(): void {
    this.options.state.setBuffered(this.options.buffer.size);
  }
}
