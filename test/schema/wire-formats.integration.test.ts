import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DanubeClient, type Producer } from '../../src/client/index.js';
import {
  producerSchemaReference,
  resolveSchemas,
  type RecordPayload,
  type ResolvedSchema,
  type SchemaEntryConfig,
} from '../../src/schema/index.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';

const SENSOR_SCHEMA =
  '{"type":"object","properties":{"device":{"type":"string"},"temperature":{"type":"number"}},"required":["device","temperature"]}';
const AVRO_SCHEMA = '{"type":"record","name":"P","fields":[{"name":"v","type":"double"}]}';

/** The Avro object container of `{ v: 42.5 }` under AVRO_SCHEMA, byte by byte. */
const AVRO_CONTAINER_HEX = [
  '4f626a01', // magic "Obj" 1
  '04', // metadata map: 2 entries
  '16 6176726f2e736368656d61', // "avro.schema"
  '8801 7b2274797065223a227265636f7264222c226e616d65223a2250222c226669656c6473223a5b7b226e616d65223a2276222c2274797065223a22646f75626c65227d5d7d',
  '14 6176726f2e636f646563', // "avro.codec"
  '08 6e756c6c', // "null"
  '00', // end of map
  '6a480426fb18b3e7e34d08e1ece1dfcb', // sync marker (schema MD5 fingerprint)
  '02 10 0000000000404540', // block: 1 record, 8 bytes, double 42.5 little-endian
  '6a480426fb18b3e7e34d08e1ece1dfcb',
].join(' ');

interface Case {
  topic: string;
  entry: Omit<SchemaEntryConfig, 'topic' | 'auto_register' | 'version_strategy'>;
  payload: RecordPayload;
  expectedHex: string;
  /** The value codec.decode gives back. */
  decoded: unknown;
  /** Whether the broker's deep payload validation accepts this wire format. */
  passesDeepValidation: boolean;
}

const sensor = { device: 'd1', temperature: 21.5 };
const SENSOR_HEX = '7b22646576696365223a226431222c2274656d7065726174757265223a32312e357d';
const TEXT = 'héllo 🚀';
const TEXT_HEX = '68c3a96c6c6f20f09f9a80';

const CASES: Case[] = [
  ...(['default', 'binary'] as const).flatMap((wire): Case[] => [
    {
      topic: `/iot/rt-json-${wire}`,
      entry: {
        subject: 'rt-json',
        schema_type: 'json_schema',
        schema_file: 'sensor.json',
        wire_format: wire,
      },
      payload: { kind: 'json', value: sensor },
      expectedHex: SENSOR_HEX,
      decoded: sensor,
      passesDeepValidation: true,
    },
    {
      topic: `/iot/rt-string-${wire}`,
      entry: { subject: 'rt-string', schema_type: 'string', wire_format: wire },
      payload: { kind: 'string', value: TEXT },
      expectedHex: TEXT_HEX,
      decoded: TEXT,
      passesDeepValidation: true,
    },
    {
      topic: `/iot/rt-bytes-${wire}`,
      entry: { subject: 'rt-bytes', schema_type: 'bytes', wire_format: wire },
      payload: { kind: 'bytes', value: Buffer.from([0x00, 0xff, 0x10]) },
      expectedHex: '00ff10',
      decoded: Buffer.from([0x00, 0xff, 0x10]),
      passesDeepValidation: true,
    },
  ]),
  {
    topic: '/iot/rt-number-default',
    entry: { subject: 'rt-number', schema_type: 'number', wire_format: 'default' },
    payload: { kind: 'number', value: 42.5 },
    expectedHex: '34322e35', // the text "42.5"
    decoded: 42.5,
    passesDeepValidation: false,
  },
  {
    topic: '/iot/rt-number-binary',
    entry: { subject: 'rt-number', schema_type: 'number', wire_format: 'binary' },
    payload: { kind: 'number', value: 42.5 },
    expectedHex: '4045400000000000',
    decoded: 42.5,
    passesDeepValidation: true,
  },
  {
    topic: '/iot/rt-avro-default',
    entry: {
      subject: 'rt-avro',
      schema_type: 'avro',
      schema_file: 'p.avsc',
      wire_format: 'default',
    },
    payload: { kind: 'json', value: { v: 42.5 } },
    expectedHex: '7b2276223a34322e357d', // the text {"v":42.5}
    decoded: { v: 42.5 },
    passesDeepValidation: false,
  },
  {
    topic: '/iot/rt-avro-binary',
    entry: {
      subject: 'rt-avro',
      schema_type: 'avro',
      schema_file: 'p.avsc',
      wire_format: 'binary',
    },
    payload: { kind: 'json', value: { v: 42.5 } },
    expectedHex: AVRO_CONTAINER_HEX,
    decoded: { v: 42.5 },
    passesDeepValidation: true,
  },
];

let broker: EmbeddedBroker;
let client: DanubeClient;
let resolved: Map<string, ResolvedSchema>;

beforeAll(async () => {
  broker = await startBroker({ namespaces: ['default', 'iot'] });
  client = await DanubeClient.connect({ serviceUrl: broker.url, retry: false });
  const dir = mkdtempSync(path.join(tmpdir(), 'wire-formats-'));
  writeFileSync(path.join(dir, 'sensor.json'), SENSOR_SCHEMA);
  writeFileSync(path.join(dir, 'p.avsc'), AVRO_SCHEMA);
  resolved = await resolveSchemas(
    {
      config_dir: dir,
      schemas: CASES.map((c) => ({
        ...c.entry,
        topic: c.topic,
        auto_register: true,
        version_strategy: 'latest',
      })),
    },
    client.schemas,
  );
});

afterAll(async () => {
  await client.close();
  await broker.close();
});

const hexOf = (text: string): string => text.replace(/\s+/g, '');

async function producerFor(
  topic: string,
  validation: 'none' | 'enforce',
): Promise<{ producer: Producer; schema: ResolvedSchema }> {
  const schema = resolved.get(topic);
  if (schema === undefined) throw new Error(`no resolved schema for ${topic}`);
  const producer = await client.createProducer({
    topic,
    name: `rt-${topic.split('/').at(-1)}`,
    schema: producerSchemaReference(schema),
    retry: false,
  });
  await client.schemas.configureTopicSchema({
    topic,
    subject: schema.subject,
    validationPolicy: validation,
    payloadValidation: validation === 'enforce',
  });
  return { producer, schema };
}

describe('wire formats through the embedded broker', () => {
  it.each(CASES.map((c) => [c.topic, c] as const))(
    '%s stores the expected bytes',
    async (topic, c) => {
      const { producer, schema } = await producerFor(
        topic,
        c.passesDeepValidation ? 'enforce' : 'none',
      );
      await producer.send(schema.codec.encode(c.payload));
      const [stored] = await broker.waitForMessages(topic, 1);
      expect(stored?.payload.toString('hex')).toBe(hexOf(c.expectedHex));
      expect(stored?.schemaId).toBe(schema.schemaId);
      expect(stored?.schemaVersion).toBe(schema.version);
      const decoded = schema.codec.decode(stored!.payload);
      expect(decoded instanceof Buffer ? decoded : JSON.parse(JSON.stringify(decoded))).toEqual(
        c.decoded,
      );
      await producer.close();
    },
  );

  it('default-format number and avro do not pass the broker deep payload validation (why binary exists)', async () => {
    const number = await producerFor('/iot/rt-number-default', 'enforce');
    // "421.5" is 5 bytes; the broker wants exactly 4 or 8 (the 4-byte text "42.5" slips through).
    await expect(
      number.producer.send(number.schema.codec.encode({ kind: 'number', value: 421.5 })),
    ).rejects.toThrow(/Payload validation failed: Invalid number: expected 4 or 8 bytes, got 5/);
    const avro = await producerFor('/iot/rt-avro-default', 'enforce');
    await expect(
      avro.producer.send(avro.schema.codec.encode({ kind: 'json', value: { v: 1 } })),
    ).rejects.toThrow(
      /Payload validation failed: Avro validation failed: not an Avro object container/,
    );
    await number.producer.close();
    await avro.producer.close();
  });

  it('binary avro and number pass enforce + payload validation for several values', async () => {
    const { producer: numbers, schema: numberSchema } = await producerFor(
      '/iot/rt-number-binary',
      'enforce',
    );
    const { producer: records, schema: avroSchema } = await producerFor(
      '/iot/rt-avro-binary',
      'enforce',
    );
    for (const value of [0, -1.25, 1e300, Number.MIN_VALUE]) {
      await numbers.send(numberSchema.codec.encode({ kind: 'number', value }));
      await records.send(avroSchema.codec.encode({ kind: 'json', value: { v: value } }));
    }
    const storedNumbers = await broker.waitForMessages('/iot/rt-number-binary', 5);
    const storedRecords = await broker.waitForMessages('/iot/rt-avro-binary', 5);
    expect(storedNumbers.slice(1).map((m) => m.payload.readDoubleBE(0))).toEqual([
      0,
      -1.25,
      1e300,
      Number.MIN_VALUE,
    ]);
    expect(
      storedRecords.slice(1).map((m) => (avroSchema.codec.decode(m.payload) as { v: number }).v),
    ).toEqual([0, -1.25, 1e300, Number.MIN_VALUE]);
    await numbers.close();
    await records.close();
  });
});
