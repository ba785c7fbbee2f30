/**
 * The bad-input corpus: configuration files, schema files and payloads a connector may
 * meet, each refused with a clear message naming what is wrong and where, and none of
 * them costing a record that was already accepted.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ConnectorError } from '../../src/connector/errors.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { Offset } from '../../src/connector/offset.js';
import type { ProducerConfig } from '../../src/connector/producer-config.js';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceConnector } from '../../src/connector/source-connector.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/broker/server.js';
import { testCoreConfig, type CoreConfigInput } from '../../src/testing/harness/core-config.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/bad-inputs/', import.meta.url));
const CONFIGS = `${FIXTURES}configs/`;

/** Runs `fn` and returns what it threw (fails the test when it does not throw). */
async function thrown(fn: () => unknown): Promise<Error> {
  try {
    await fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('bad configuration files', () => {
  const cases: Array<[file: string, lines: string[], strict?: boolean]> = [
    [
      'malformed.toml',
      ['malformed TOML at line 2, column 22: control characters are not allowed in strings'],
    ],
    [
      'wrong-types.toml',
      [
        'processing.batch_size: expected integer, got string',
        'processing.poll_interval_ms: must be at least 0',
        'retry.max_retries: must be at most 100',
      ],
    ],
    [
      'bad-url.toml',
      ['danube_service_url: expected an http:// or https:// URL such as "http://localhost:6650"'],
    ],
    [
      'bad-schema-entry.toml',
      [
        'schemas[0].schema_type: schema type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)',
        'schemas[1].topic: expected a Danube topic "/namespace/name" (letters, digits, "_", "-")',
        'schemas[1].version_strategy: expected "latest", { pinned = N } or { minimum = N }',
        'schemas[1].schema_file: required for schema_type "json_schema"',
      ],
    ],
    [
      'unknown-key.toml',
      [
        'retry.initial_interval_ms: unknown key (did you mean "retry_backoff_ms"? the Rust runtime ignored this key too)',
      ],
      true,
    ],
    [
      'dead-letter-without-topic.toml',
      ['processing.dead_letter_topic: required when failure_policy = "dead_letter"'],
    ],
    ['missing-name.toml', ['connector_name: required key missing']],
    ['does-not-exist.toml', ['cannot read the configuration file: file not found']],
  ];
  it.each(cases)('%s', async (file, lines, strict) => {
    const path = `${CONFIGS}${file}`;
    const error = await thrown(() =>
      loadConfig(undefined, { path, env: {}, strict: strict ?? false, warn: () => undefined }),
    );
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe(lines.map((line) => `${path}: ${line}`).join('\n'));
  });
});

describe('bad records, refused when the connector builds them', () => {
  const topic = '/iot/readings';
  const deep = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i += 1) value = { a: value };
    return value;
  };
  const cyclic: Record<string, unknown> = { id: 1 };
  cyclic.self = cyclic;
  const cases: Array<[name: string, build: () => unknown, message: string]> = [
    [
      'lone surrogate in a string record',
      () => SourceRecord.string(topic, 'temp \uD83C'),
      `record for ${topic} is not valid Unicode (lone surrogate): it cannot be sent as UTF-8`,
    ],
    [
      'lone surrogate inside a JSON string',
      () => SourceRecord.json(topic, { name: 'x\uDC00' }),
      `record for ${topic}: the value at $.name is not valid Unicode (lone surrogate): it cannot be sent as UTF-8`,
    ],
    [
      'lone surrogate in a JSON key',
      () => SourceRecord.from(topic, { ['k\uD800']: 1 }),
      `record for ${topic}: a key in the value is not valid Unicode (lone surrogate): it cannot be sent as UTF-8`,
    ],
    [
      'lone surrogate in a routing key',
      () => SourceRecord.string(topic, 'ok').withKey('\uDFFF'),
      `key of a record for ${topic} is not valid Unicode (lone surrogate): it cannot be sent as UTF-8`,
    ],
    [
      'lone surrogate in an attribute',
      () => SourceRecord.string(topic, 'ok').withAttribute('unit', '\uD800C'),
      `attribute "unit" of a record for ${topic} is not valid Unicode (lone surrogate): it cannot be sent as UTF-8`,
    ],
    [
      'NaN number',
      () => SourceRecord.number(topic, Number.NaN),
      `record for ${topic}: NaN is not a finite number`,
    ],
    [
      'Infinity inside JSON',
      () => SourceRecord.json(topic, { temp: Number.POSITIVE_INFINITY }),
      `record for ${topic}: the value at $.temp is Infinity, which JSON cannot represent`,
    ],
    [
      '-Infinity in an object',
      () => SourceRecord.from(topic, { readings: [1, Number.NEGATIVE_INFINITY] }),
      `record for ${topic}: the value at $.readings[1] is -Infinity, which JSON cannot represent`,
    ],
    [
      'BigInt',
      () => SourceRecord.from(topic, { id: 2n ** 64n }),
      `record for ${topic}: the value at $.id is a BigInt (18446744073709551616n); convert it to a string or number first`,
    ],
    [
      'circular object',
      () => SourceRecord.from(topic, cyclic),
      `record for ${topic}: the value at $.self is a circular reference`,
    ],
    [
      'JSON nested 10 000 levels deep',
      () => SourceRecord.from(topic, deep(10_000)),
      `record for ${topic}: the value nests arrays/objects more than 127 levels deep, which Danube's Rust consumers (serde_json) cannot read`,
    ],
    [
      'JSON nested 128 levels deep',
      () => SourceRecord.json(topic, JSON.parse(`${'['.repeat(128)}${']'.repeat(128)}`) as never),
      `record for ${topic}: the value nests arrays/objects more than 127 levels deep, which Danube's Rust consumers (serde_json) cannot read`,
    ],
    [
      'base64 that is not base64',
      () => SourceRecord.base64(topic, 'not base64!'),
      `record for ${topic}: the text is not valid base64`,
    ],
  ];
  it.each(cases)('%s', async (_name, build, message) => {
    const error = await thrown(build);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).kind).toBe('invalid_data');
    expect(error.message).toBe(message);
  });

  it('accepts JSON nested exactly 127 levels deep', () => {
    const value = JSON.parse(`${'['.repeat(127)}${']'.repeat(127)}`) as never;
    expect(SourceRecord.json(topic, value).payload.kind).toBe('json');
  });
});

/** A polling connector handing over a fixed list of envelopes, then nothing. */
class ListSource extends SourceConnector {
  committed: Offset[] = [];
  #items: Array<SourceEnvelope | Error>;
  readonly #configs: ProducerConfig[];

  constructor(items: Array<SourceEnvelope | Error>, configs: ProducerConfig[]) {
    super();
    this.#items = [...items];
    this.#configs = configs;
  }

  initialize(): Promise<void> {
    return Promise.resolve();
  }

  producerConfigs(): ProducerConfig[] {
    return this.#configs;
  }

  override poll(): Promise<SourceEnvelope[]> {
    const out: SourceEnvelope[] = [];
    while (this.#items.length > 0) {
      const next = this.#items[0];
      if (next instanceof Error) {
        if (out.length > 0) break;
        this.#items.shift();
        return Promise.reject(next);
      }
      out.push(next as SourceEnvelope);
      this.#items.shift();
    }
    return Promise.resolve(out);
  }

  override commit(offsets: Offset[]): Promise<void> {
    this.committed.push(...offsets);
    return Promise.resolve();
  }

  /** Highest committed value of offset partition `p`. */
  last(partition = 'p'): number {
    return Math.max(
      -1,
      ...this.committed.filter((o) => o.partition === partition).map((o) => Number(o.value)),
    );
  }
}

describe('bad payloads and schema files at run time (embedded broker)', () => {
  let broker: EmbeddedBroker;
  const T = { json: '/corpus/readings', text: '/corpus/logs', num: '/corpus/metrics' };
  const producers: ProducerConfig[] = [
    { topic: T.json, partitions: 0, reliableDispatch: true },
    { topic: T.text, partitions: 0, reliableDispatch: true },
    { topic: T.num, partitions: 0, reliableDispatch: true },
  ];
  const schemas: CoreConfigInput['schemas'] = [
    {
      topic: T.json,
      subject: 'corpus-reading',
      schema_type: 'json_schema',
      schema_file: 'schemas/reading.schema.json',
      auto_register: true,
    },
    { topic: T.text, subject: 'corpus-log', schema_type: 'string' },
    { topic: T.num, subject: 'corpus-metric', schema_type: 'number' },
  ];

  beforeAll(async () => {
    broker = await startBroker({ namespaces: ['default', 'corpus'], maxMessageBytes: 2048 });
  });
  afterAll(async () => {
    await broker.close();
  });

  function core(name: string, over: CoreConfigInput = {}) {
    return testCoreConfig({
      danube_service_url: broker.url,
      connector_name: name,
      config_dir: FIXTURES,
      schemas,
      processing: {
        log_level: 'silent',
        poll_interval_ms: 5,
        batch_timeout_ms: 5,
        ...over.processing,
      },
      retry: { retry_backoff_ms: 2, max_backoff_ms: 10, max_retries: 2, ...over.retry },
    });
  }

  const at = (n: number, record: SourceRecord): SourceEnvelope =>
    SourceEnvelope.withOffset(record, Offset.of('p', n));
  const good = (n: number): SourceEnvelope =>
    at(n, SourceRecord.json(T.json, { id: n, temp: 20.5 }).withAttribute('n', String(n)));
  /** Records that construct fine but that the topic's schema or the broker refuses. */
  const badAtPublish: Array<
    [label: string, build: (n: number) => SourceEnvelope, message: string]
  > = [
    [
      'missing required field',
      (n) => at(n, SourceRecord.json(T.json, { id: n })),
      `${T.json} (subject corpus-reading v1): $.temp: is required but missing`,
    ],
    [
      'wrong type',
      (n) => at(n, SourceRecord.json(T.json, { id: 'one', temp: 1 })),
      `${T.json} (subject corpus-reading v1): $.id: must be integer`,
    ],
    [
      'non-UTF-8 bytes on a string topic',
      (n) => at(n, SourceRecord.bytes(T.text, Uint8Array.from([0x68, 0xff, 0xfe]))),
      `${T.text} (subject corpus-log v1): $: bytes payload is not valid UTF-8`,
    ],
    [
      'text on a number topic',
      (n) => at(n, SourceRecord.string(T.num, 'forty-two')),
      `${T.num} (subject corpus-metric v1): $: expected a number for schema type number, got a string payload`,
    ],
  ];

  it('dead-letters each refused payload with its reason, and loses no accepted record', async () => {
    const dlq = '/corpus/dead-letters';
    const items: SourceEnvelope[] = [];
    let n = 0;
    for (const [, build] of badAtPublish) items.push(good(n++), build(n++));
    items.push(good(n++));
    const connector = new ListSource(items, producers);
    const stop = new AbortController();
    const config = core('corpus-dlq', {
      processing: { failure_policy: 'dead_letter', dead_letter_topic: dlq },
    });
    const running = new SourceRuntime(connector, config, { http: false }).run({
      signal: stop.signal,
      handleSignals: false,
    });
    try {
      await broker.waitForMessages(dlq, badAtPublish.length);
      await broker.waitForMessages(T.json, badAtPublish.length + 1);
    } finally {
      stop.abort();
      await running;
    }
    const dead = broker.messages(dlq);
    expect(dead.map((m) => m.attributes['dlq.error'])).toEqual(
      badAtPublish.map(([, , message]) => message),
    );
    expect(dead.map((m) => m.attributes['dlq.offset'])).toEqual(['1', '3', '5', '7']);
    expect(broker.messages(T.json).map((m) => m.attributes.n)).toEqual(['0', '2', '4', '6', '8']);
    expect(connector.last()).toBe(n - 1);
  });

  it('oversize: refused by the broker, not retried, run() rejects naming the size; earlier records kept', async () => {
    let attempts = 0;
    const countOversize = (event: { method: string; request: unknown }): void => {
      const payload = (event.request as { payload?: Buffer }).payload;
      if (event.method === 'SendMessage' && payload !== undefined && payload.length > 2048)
        attempts += 1;
    };
    broker.on('call', countOversize);
    const connector = new ListSource(
      [
        good(200),
        good(201),
        at(202, SourceRecord.json(T.json, { id: 202, temp: 1, note: 'x'.repeat(4096) })),
        good(203),
      ],
      producers,
    );
    try {
      const error = await thrown(() =>
        new SourceRuntime(connector, core('corpus-oversize'), { http: false }).run({
          handleSignals: false,
        }),
      );
      expect(error.message).toContain('at offset p@202 could not be published');
      expect(error.message).toContain(
        'INVALID_ARGUMENT: Message size 4125 exceeds maximum allowed 2048 for topic /corpus/readings',
      );
    } finally {
      broker.off('call', countOversize);
    }
    expect(attempts).toBe(1);
    expect(connector.last()).toBe(201);
  });

  it.each(badAtPublish)(
    'policy fail on %s: run() rejects with the reason, records before it published and committed',
    async (_label, build, message) => {
      const connector = new ListSource([good(0), good(1), build(2), good(3)], producers);
      const error = await thrown(() =>
        new SourceRuntime(connector, core('corpus-fail'), { http: false }).run({
          handleSignals: false,
        }),
      );
      expect(error.message).toContain(message);
      expect(error.message).toContain('at offset p@2 could not be published');
      expect(connector.last()).toBe(1);
    },
  );

  it('a poll that throws invalid data stops the connector after publishing what it handed over before', async () => {
    const bad = ConnectorError.invalidData('row 7: price is not a number');
    const connector = new ListSource([good(100), good(101), bad, good(102)], producers);
    const before = broker.messages(T.json).length;
    const error = await thrown(() =>
      new SourceRuntime(connector, core('corpus-poll'), { http: false }).run({
        handleSignals: false,
      }),
    );
    expect(error.message).toContain('row 7: price is not a number');
    expect(broker.messages(T.json).length - before).toBe(2);
    expect(connector.last()).toBe(101);
  });

  const schemaFiles: Array<[file: string, type: 'json_schema' | 'avro', message: RegExp]> = [
    [
      'schemas/truncated.json',
      'json_schema',
      // Node 22+ adds the line and column to JSON.parse's message.
      /truncated\.json.*invalid JSON Schema: not valid JSON \(Expected ',' or '}' after property value in JSON at position 64( \(line 1 column 65\))?\)/,
    ],
    [
      'schemas/invalid-keyword.json',
      'json_schema',
      /invalid-keyword\.json.*invalid JSON Schema \(draft-07\): schema is invalid: data\/properties\/id\/type must be equal to one of the allowed values/,
    ],
    [
      'schemas/invalid.avsc',
      'avro',
      /invalid\.avsc.*invalid Avro schema: undefined type name: flaot/,
    ],
    [
      'schemas/missing.json',
      'json_schema',
      /schema file "schemas\/missing\.json" for topic \/corpus\/bad-schema not found; tried .*bad-inputs\/schemas\/missing\.json/,
    ],
  ];
  it.each(schemaFiles)(
    'schema file %s: run() rejects before anything is accepted',
    async (file, type, message) => {
      const connector = new ListSource(
        [good(0)],
        [{ topic: '/corpus/bad-schema', partitions: 0, reliableDispatch: true }],
      );
      const config = testCoreConfig({
        danube_service_url: broker.url,
        connector_name: 'corpus-schema',
        config_dir: FIXTURES,
        processing: { log_level: 'silent' },
        schemas: [
          {
            topic: '/corpus/bad-schema',
            subject: `bad-${type}`,
            schema_type: type,
            schema_file: file,
            auto_register: true,
          },
        ],
      });
      const error = await thrown(() =>
        new SourceRuntime(connector, config, { http: false }).run({ handleSignals: false }),
      );
      expect(error.message).toMatch(message);
      expect(broker.messages('/corpus/bad-schema')).toEqual([]);
    },
  );
});
