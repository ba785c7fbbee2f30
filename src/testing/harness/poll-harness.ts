import { toEnvelope, type SourceEnvelope } from '../../connector/envelope.js';
import { createConnectorContext, type ConnectorInstance } from '../../connector/context.js';
import type { Offset } from '../../connector/offset.js';
import type { ConnectorConfig } from '../../config/types.js';
import { validateProducerConfigs, type ProducerConfig } from '../../connector/producer-config.js';
import type { SourceRecord } from '../../connector/record.js';
import type { SourceConnector } from '../../connector/source-connector.js';
import { partitionForKey, partitionTopicName } from '../../client/routing.js';
import { codecFor } from '../../schema/codecs.js';
import { loadSchemaFile } from '../../schema/schema-file.js';
import type { PayloadCodec, SchemaTypeName, WireFormat } from '../../schema/types.js';
import { encodeWithoutSchema } from '../../schema/without-schema.js';
import { asError, DanubeConnectError } from '../../errors.js';

/** A schema given to the harness directly instead of through `core.schemas` files. */
export interface HarnessSchema {
  schemaType: SchemaTypeName;
  /** JSON Schema or Avro text; '' for string, bytes and number. */
  definition: string;
  wireFormat?: WireFormat;
  subject?: string;
}

/** Options of {@link PollHarness}. */
export interface PollHarnessOptions {
  /**
   * The core configuration passed to `initialize`. Its `[[schemas]]` entries (schema files
   * read relative to `config_dir`) decide how payloads are serialized, as in the runtime.
   */
  core: ConnectorConfig;
  /** Extra or replacing schemas per topic, without files. */
  schemas?: Record<string, HarnessSchema>;
  /**
   * Offsets committed before, as the runtime gives them to `initialize` from its
   * `[offsets]` store: test that the connector resumes after them.
   */
  offsets?: Iterable<Offset>;
  /** This instance's share of the source (default index 0 of 1). */
  instance?: ConnectorInstance;
}

/** One envelope a `poll` returned, as the runtime would publish it. */
export interface PolledEnvelope {
  readonly envelope: SourceEnvelope;
  readonly record: SourceRecord;
  readonly topic: string;
  readonly key: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
  readonly offset: Offset | undefined;
  /**
   * Partition index the record goes to: FNV-1a of the key mod partitions, round-robin from 0
   * without a key; `undefined` for a plain (unpartitioned) topic or a topic not declared.
   */
  readonly partition: number | undefined;
  /** The Danube topic the message lands on (`<topic>-part-<i>` for partitioned topics). */
  readonly partitionTopic: string;
  /** Serialized payload (the bytes on the wire); empty when {@link PolledEnvelope.error} is set. */
  readonly bytes: Buffer;
  /** `bytes` as text when they are valid UTF-8 (JSON, strings, numbers in default wire format). */
  readonly text: string | undefined;
  /** The schema that serialized it, if the topic has one. */
  readonly schema:
    { subject: string | undefined; schemaType: SchemaTypeName; wireFormat: WireFormat } | undefined;
  /** Why the runtime would refuse it (schema validation, NaN, lone surrogate, undeclared topic). */
  readonly error: Error | undefined;
}

interface TopicCodec {
  codec: PayloadCodec;
  subject: string | undefined;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Runs a polling connector's `initialize`, `producerConfigs` and `poll` without a broker,
 * and shows each envelope with the bytes the runtime would publish (serialized with the
 * same codecs), its partition and its offset: the guide's "test transformation and
 * routing in isolation".
 *
 * @example
 * ```ts
 * const harness = new PollHarness(new MyConnector(settings), { core: testCoreConfig() });
 * await harness.start();
 * const [first] = await harness.poll();
 * expect(first.topic).toBe('/data/events');
 * expect(JSON.parse(first.text!)).toEqual({ id: 1, name: 'a' });
 * await harness.commit();        // commits the last offset per partition polled so far
 * await harness.stop();
 *
 * // Resuming: start as the runtime would after offsets were committed.
 * const resumed = new PollHarness(new MyConnector(settings), {
 *   core: testCoreConfig(),
 *   offsets: [Offset.of('events', 41n)],
 * });
 * ```
 */
export class PollHarness {
  readonly #connector: SourceConnector;
  readonly #options: PollHarnessOptions;
  readonly #codecs = new Map<string, TopicCodec>();
  readonly #roundRobin = new Map<string, number>();
  readonly #lastOffsets = new Map<string, Offset>();
  #producers: ProducerConfig[] | undefined;
  #abort = new AbortController();

  constructor(connector: SourceConnector, options: PollHarnessOptions) {
    this.#connector = connector;
    this.#options = options;
  }

  /** The validated producer configs, after {@link PollHarness.start}. */
  get producerConfigs(): readonly ProducerConfig[] {
    if (this.#producers === undefined)
      throw new DanubeConnectError('usage', 'PollHarness: call start() first');
    return this.#producers;
  }

  /**
   * Calls `initialize(core, context)` (context from the `offsets` and `instance` options) and
   * `producerConfigs()`, checks them, and compiles the codecs.
   */
  async start(): Promise<readonly ProducerConfig[]> {
    const { core, offsets, instance } = this.#options;
    await this.#connector.initialize(core, createConnectorContext(offsets, instance));
    this.#producers = validateProducerConfigs(await this.#connector.producerConfigs());
    for (const entry of core.schemas) {
      const context = {
        topic: entry.topic,
        subject: entry.subject,
        source: entry.schema_file ?? entry.subject,
      };
      const needsFile = entry.schema_type === 'json_schema' || entry.schema_type === 'avro';
      const definition =
        needsFile && entry.schema_file
          ? (
              await loadSchemaFile(entry.schema_file, core.config_dir, {
                topic: entry.topic,
                subject: entry.subject,
              })
            ).text
          : '';
      this.#codecs.set(entry.topic, {
        codec: codecFor(entry.schema_type, definition, entry.wire_format, context),
        subject: entry.subject,
      });
    }
    for (const [topic, schema] of Object.entries(this.#options.schemas ?? {})) {
      const context = { topic, subject: schema.subject, source: 'PollHarness schemas option' };
      this.#codecs.set(topic, {
        codec: codecFor(
          schema.schemaType,
          schema.definition,
          schema.wireFormat ?? 'default',
          context,
        ),
        subject: schema.subject,
      });
    }
    return this.#producers;
  }

  /** Calls `poll` once and describes what it returned. Errors thrown by `poll` propagate. */
  async poll(): Promise<PolledEnvelope[]> {
    if (this.#producers === undefined)
      throw new DanubeConnectError('usage', 'PollHarness: call start() first');
    if (typeof this.#connector.poll !== 'function') {
      throw new DanubeConnectError(
        'usage',
        'PollHarness: the connector has no poll() method (is it a streaming connector?)',
      );
    }
    const items = await this.#connector.poll(this.#abort.signal);
    return items.map((item) => {
      const polled = this.describe(toEnvelope(item));
      if (polled.offset !== undefined)
        this.#lastOffsets.set(polled.offset.partition, polled.offset);
      return polled;
    });
  }

  /**
   * Polls until a poll returns nothing (or `maxPolls` polls ran) and returns everything
   * polled, in order.
   */
  async pollUntilEmpty(maxPolls = 1000): Promise<PolledEnvelope[]> {
    const all: PolledEnvelope[] = [];
    for (let i = 0; i < maxPolls; i += 1) {
      const batch = await this.poll();
      if (batch.length === 0) break;
      all.push(...batch);
    }
    return all;
  }

  /**
   * Serializes and routes one envelope as the runtime would (without publishing it). Also
   * useful for a streaming connector's records captured by an `InMemorySender`. Round-robin
   * routing advances per call, as the client's does.
   */
  describe(envelope: SourceEnvelope): PolledEnvelope {
    const { record } = envelope;
    const producer = this.#producers?.find((p) => p.topic === record.topic);
    const topicCodec = this.#codecs.get(record.topic);
    let bytes: Buffer = Buffer.alloc(0);
    let error: Error | undefined;
    try {
      if (producer === undefined) {
        throw new DanubeConnectError(
          'invalid_data',
          `record for ${record.topic}: the topic is not declared in producerConfigs()`,
        );
      }
      bytes = topicCodec
        ? topicCodec.codec.encode(record.payload)
        : encodeWithoutSchema(record.payload, record.topic);
    } catch (err) {
      error = asError(err);
    }
    const partition = this.#route(record, producer);
    return {
      envelope,
      record,
      topic: record.topic,
      key: record.key,
      attributes: record.attributes,
      offset: envelope.offset,
      partition,
      partitionTopic:
        partition === undefined ? record.topic : partitionTopicName(record.topic, partition),
      bytes,
      text: utf8OrUndefined(bytes),
      schema: topicCodec
        ? {
            subject: topicCodec.subject,
            schemaType: topicCodec.codec.schemaType,
            wireFormat: topicCodec.codec.wireFormat,
          }
        : undefined,
      error,
    };
  }

  /**
   * Commits as the runtime does once everything polled so far is published: returns the
   * last offset per offset partition (what an `[offsets]` store would keep; pass them as the
   * `offsets` option of a new harness to test resuming) and calls the connector's `commit`
   * with them, if it has one. Nothing when no envelope carried an offset.
   */
  async commit(): Promise<Offset[]> {
    const offsets = [...this.#lastOffsets.values()];
    if (offsets.length === 0) return [];
    await this.#connector.commit?.(offsets);
    return offsets;
  }

  /** Aborts the poll signal and calls `shutdown()`. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#connector.shutdown?.();
    this.#abort = new AbortController();
  }

  #route(record: SourceRecord, producer: ProducerConfig | undefined): number | undefined {
    if (producer === undefined || producer.partitions === 0) return undefined;
    if (record.key !== undefined) return partitionForKey(record.key, producer.partitions);
    const next = this.#roundRobin.get(record.topic) ?? 0;
    this.#roundRobin.set(record.topic, (next + 1) % producer.partitions);
    return next;
  }
}

function utf8OrUndefined(bytes: Buffer): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
