import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DanubeClient } from '../../src/client/index.js';
import {
  resolveSchemas,
  SchemaError,
  SchemaResolver,
  type SchemaEntryConfig,
} from '../../src/schema/index.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';

let broker: EmbeddedBroker;
let client: DanubeClient;

beforeAll(async () => {
  broker = await startBroker({ namespaces: ['default', 'iot'] });
  client = await DanubeClient.connect({ serviceUrl: broker.url, retry: false });
});

afterAll(async () => {
  await client.close();
  await broker.close();
});

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'registry-it-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const V1 = '{"type":"object","properties":{"t":{"type":"number"}},"required":["t"]}';
const V2 =
  '{"type":"object","properties":{"t":{"type":"number"},"unit":{"type":"string"}},"required":["t"]}';
const V3 =
  '{"type":"object","properties":{"t":{"type":"number"},"unit":{"type":"string"},"site":{"type":"integer"}},"required":["t"]}';

describe('registry version resolution (embedded broker)', () => {
  it('resolves latest, pinned and minimum across three registered versions', async () => {
    for (const definition of [V1, V2, V3]) {
      await client.schemas.register({ subject: 'versions', schemaType: 'json_schema', definition });
    }
    const base = {
      subject: 'versions',
      schema_type: 'json_schema',
      auto_register: false,
      wire_format: 'default',
    } as const;
    const resolved = await resolveSchemas(
      {
        schemas: [
          { ...base, topic: '/iot/latest', version_strategy: 'latest' },
          { ...base, topic: '/iot/pinned-1', version_strategy: { pinned: 1 } },
          { ...base, topic: '/iot/pinned-2', version_strategy: { pinned: 2 } },
          { ...base, topic: '/iot/min-2', version_strategy: { minimum: 2 } },
          { ...base, topic: '/iot/min-3', version_strategy: { minimum: 3 } },
        ],
      },
      client.schemas,
    );
    const summary = [...resolved.values()].map((r) => [r.topic, r.version, r.definition]);
    expect(summary).toEqual([
      ['/iot/latest', 3, V3],
      ['/iot/pinned-1', 1, V1],
      ['/iot/pinned-2', 2, V2],
      ['/iot/min-2', 3, V3],
      ['/iot/min-3', 3, V3],
    ]);
    const latest = await client.schemas.getLatest('versions');
    expect(new Set([...resolved.values()].map((r) => r.schemaId))).toEqual(
      new Set([latest.schemaId]),
    );

    // Each codec validates with its own version's definition.
    const value = { kind: 'json', value: { t: 1, site: 1.5 } } as const;
    expect(() => resolved.get('/iot/pinned-2')?.codec.encode(value)).not.toThrow();
    expect(() => resolved.get('/iot/latest')?.codec.encode(value)).toThrow(
      '/iot/latest (subject versions v3): $.site: must be integer',
    );
  });

  it('says clearly when no version satisfies the strategy', async () => {
    const resolver = new SchemaResolver(client.schemas);
    const base: SchemaEntryConfig = {
      topic: '/iot/none',
      subject: 'versions',
      schema_type: 'json_schema',
      auto_register: false,
      version_strategy: 'latest',
      wire_format: 'default',
    };
    await expect(resolver.resolve({ ...base, version_strategy: { pinned: 4 } })).rejects.toThrow(
      '/iot/none: no version of subject versions satisfies version_strategy { pinned = 4 }: registered versions are v1, v2, v3',
    );
    await expect(resolver.resolve({ ...base, version_strategy: { minimum: 4 } })).rejects.toThrow(
      '/iot/none: no version of subject versions satisfies version_strategy { minimum = 4 }: the latest is v3',
    );
    await expect(resolver.resolve({ ...base, subject: 'never-registered' })).rejects.toThrow(
      '/iot/none: subject never-registered is not registered (set auto_register = true or register it first)',
    );
  });
});

describe('auto_register (embedded broker)', () => {
  const entry = (): SchemaEntryConfig => ({
    topic: '/iot/evolving',
    subject: 'evolving',
    schema_type: 'json_schema',
    schema_file: 'evolving.json',
    auto_register: true,
    version_strategy: 'latest',
    wire_format: 'default',
  });

  it('registers once, reuses an identical definition, adds a compatible change', async () => {
    const resolver = new SchemaResolver(client.schemas);
    const first = await resolver.resolve(entry(), configDir({ 'evolving.json': V1 }));
    const again = await resolver.resolve(
      entry(),
      configDir({ 'evolving.json': JSON.stringify(JSON.parse(V1), null, 2) }),
    );
    const changed = await resolver.resolve(entry(), configDir({ 'evolving.json': V2 }));
    expect([first.version, again.version, changed.version]).toEqual([1, 1, 2]);
    expect((await client.schemas.listVersions('evolving')).map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses an incompatible change before registering it, with the registry reasons', async () => {
    const registrations = () => broker.stats().calls['RegisterSchema'] ?? 0;
    const before = registrations();
    const incompatible =
      '{"type":"object","properties":{"t":{"type":"string"},"unit":{"type":"string"}},"required":["t","unit"]}';
    const dir = configDir({ 'evolving.json': incompatible });
    const err = await new SchemaResolver(client.schemas).resolve(entry(), dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SchemaError);
    const message = (err as SchemaError).message;
    expect(
      message.startsWith(
        `/iot/evolving: ${path.join(dir, 'evolving.json')} is not compatible with subject evolving v2: `,
      ),
    ).toBe(true);
    const { errors } = await client.schemas.checkCompatibility({
      subject: 'evolving',
      schemaType: 'json_schema',
      definition: incompatible,
    });
    expect(errors.length).toBeGreaterThan(0);
    expect(message.endsWith(errors.join('; '))).toBe(true);
    expect(registrations()).toBe(before);
    expect((await client.schemas.listVersions('evolving')).map((v) => v.version)).toEqual([1, 2]);
  });
});
