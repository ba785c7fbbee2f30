import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  producerSchemaReference,
  resolveSchemas,
  SchemaError,
  SchemaResolver,
  SchemaValidationError,
  type SchemaEntryConfig,
} from '../../src/schema/index.js';
import { FakeRegistry } from './fake-registry.js';
import { hex } from './helpers.js';

const v1 = '{"type":"object","properties":{"t":{"type":"number"}},"required":["t"]}';
const v2 =
  '{"type":"object","properties":{"t":{"type":"number"},"unit":{"type":"string"}},"required":["t"]}';

function configDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'resolver-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function entry(overrides: Partial<SchemaEntryConfig> = {}): SchemaEntryConfig {
  return {
    topic: '/iot/sensors',
    subject: 'sensor',
    schema_type: 'json_schema',
    schema_file: 'sensor.json',
    auto_register: true,
    version_strategy: 'latest',
    wire_format: 'default',
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<SchemaError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SchemaError);
  return err as SchemaError;
}

describe('SchemaResolver with auto_register', () => {
  it('registers a new subject and compiles its codec', async () => {
    const registry = new FakeRegistry();
    const dir = configDir({ 'sensor.json': v1 });
    const resolved = await resolveSchemas({ config_dir: dir, schemas: [entry()] }, registry);
    const schema = resolved.get('/iot/sensors');
    expect(schema).toMatchObject({
      subject: 'sensor',
      schemaId: '1000',
      version: 1,
      schemaType: 'json_schema',
      definition: v1,
    });
    expect(schema?.codec.encode({ kind: 'json', value: { t: 1 } })).toEqual(
      hex('7b 22 74 22 3a 31 7d'),
    );
    expect(() => schema?.codec.encode({ kind: 'json', value: { t: 'x' } })).toThrow(
      '/iot/sensors (subject sensor v1): $.t: must be number',
    );
    expect(producerSchemaReference(schema!)).toEqual({ subject: 'sensor', version: { pinned: 1 } });
  });

  it('does not add a version for an identical definition (formatting aside), nor check compatibility', async () => {
    const registry = new FakeRegistry();
    await registry.register({ subject: 'sensor', schemaType: 'json_schema', definition: v1 });
    const dir = configDir({ 'sensor.json': JSON.stringify(JSON.parse(v1), null, 2) });
    registry.calls.length = 0;
    const resolved = await new SchemaResolver(registry).resolve(entry(), dir);
    expect(resolved.version).toBe(1);
    expect(registry.calls).not.toContain('checkCompatibility sensor');
  });

  it('checks compatibility of a changed definition and refuses it before registering', async () => {
    const registry = new FakeRegistry();
    await registry.register({ subject: 'sensor', schemaType: 'json_schema', definition: v1 });
    registry.incompatibility = () => ['property "t" removed', 'type of "unit" changed'];
    registry.calls.length = 0;
    const dir = configDir({ 'sensor.json': v2 });
    const err = await failure(new SchemaResolver(registry).resolve(entry(), dir));
    expect(err.message).toBe(
      `/iot/sensors: ${path.join(dir, 'sensor.json')} is not compatible with subject sensor v1: property "t" removed; type of "unit" changed`,
    );
    expect(err.kind).toBe('config');
    expect(registry.calls).toContain('checkCompatibility sensor');
    expect(registry.calls).not.toContain('register sensor');
  });

  it('registers a compatible change as a new version', async () => {
    const registry = new FakeRegistry();
    await registry.register({ subject: 'sensor', schemaType: 'json_schema', definition: v1 });
    const resolved = await new SchemaResolver(registry).resolve(
      entry(),
      configDir({ 'sensor.json': v2 }),
    );
    expect(resolved.version).toBe(2);
    expect(resolved.definition).toBe(v2);
  });

  it('surfaces the registry refusing a registration', async () => {
    const registry = new FakeRegistry();
    registry.refuseRegistration = 'Schema is not compatible: field removed';
    const err = await failure(
      new SchemaResolver(registry).resolve(entry(), configDir({ 'sensor.json': v1 })),
    );
    expect(err.message).toBe(
      '/iot/sensors: registering subject sensor failed: the registry said: Schema is not compatible: field removed',
    );
  });

  it('refuses an invalid local schema naming the file', async () => {
    const dir = configDir({ 'sensor.json': '{"type":"nope"}' });
    const err = await failure(new SchemaResolver(new FakeRegistry()).resolve(entry(), dir));
    expect(err.message).toMatch(
      new RegExp(
        `^/iot/sensors: ${path.join(dir, 'sensor.json').replace(/[/\\]/g, '.')}: invalid JSON Schema \\(draft-07\\): schema is invalid`,
      ),
    );
    expect(err.file).toBe(path.join(dir, 'sensor.json'));
  });

  it('registers string, bytes and number subjects without a file', async () => {
    const registry = new FakeRegistry();
    const resolved = await resolveSchemas(
      {
        schemas: [
          entry({ topic: '/a/s', subject: 's', schema_type: 'string', schema_file: '' }),
          entry({ topic: '/a/b', subject: 'b', schema_type: 'bytes', schema_file: undefined }),
          entry({
            topic: '/a/n',
            subject: 'n',
            schema_type: 'number',
            schema_file: undefined,
            wire_format: 'binary',
          }),
        ],
      },
      registry,
    );
    expect([...resolved.keys()]).toEqual(['/a/s', '/a/b', '/a/n']);
    expect(resolved.get('/a/n')?.codec.encode({ kind: 'number', value: 42.5 })).toEqual(
      hex('40 45 40 00 00 00 00 00'),
    );
  });

  it('refuses protobuf and a subject registered with another type', async () => {
    expect(
      (
        await failure(
          new SchemaResolver(new FakeRegistry()).resolve(
            entry({ schema_type: 'protobuf' as 'avro' }),
          ),
        )
      ).message,
    ).toBe(
      '/iot/sensors: schema_type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)',
    );
    const registry = new FakeRegistry();
    await registry.register({ subject: 'sensor', schemaType: 'avro', definition: '"string"' });
    expect(
      (
        await failure(
          new SchemaResolver(registry).resolve(entry(), configDir({ 'sensor.json': v1 })),
        )
      ).message,
    ).toBe(
      '/iot/sensors: subject sensor is registered as avro; cannot register a json_schema schema under it',
    );
  });
});

describe('SchemaResolver version strategies', () => {
  async function threeVersions(): Promise<FakeRegistry> {
    const registry = new FakeRegistry();
    for (const required of ['["t"]', '["t","a"]', '["t","a","b"]']) {
      await registry.register({
        subject: 'sensor',
        schemaType: 'json_schema',
        definition: `{"type":"object","required":${required}}`,
      });
    }
    return registry;
  }
  const fixed = { auto_register: false, schema_file: undefined };

  it('latest, pinned and minimum pick the right version and compile its definition', async () => {
    const registry = await threeVersions();
    const resolver = new SchemaResolver(registry);
    const latest = await resolver.resolve(entry({ ...fixed, version_strategy: 'latest' }));
    const pinned = await resolver.resolve(entry({ ...fixed, version_strategy: { pinned: 1 } }));
    const minimum = await resolver.resolve(entry({ ...fixed, version_strategy: { minimum: 2 } }));
    expect([latest.version, pinned.version, minimum.version]).toEqual([3, 1, 3]);
    expect(new Set([latest.schemaId, pinned.schemaId, minimum.schemaId]).size).toBe(1);
    expect(() => pinned.codec.encode({ kind: 'json', value: { t: 1 } })).not.toThrow();
    const err = (() => {
      try {
        latest.codec.encode({ kind: 'json', value: { t: 1, a: 1 } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SchemaValidationError);
    expect((err as Error).message).toBe(
      '/iot/sensors (subject sensor v3): $.b: is required but missing',
    );
  });

  it('says clearly when no version satisfies the strategy', async () => {
    const resolver = new SchemaResolver(await threeVersions());
    expect(
      (await failure(resolver.resolve(entry({ ...fixed, version_strategy: { pinned: 7 } }))))
        .message,
    ).toBe(
      '/iot/sensors: no version of subject sensor satisfies version_strategy { pinned = 7 }: registered versions are v1, v2, v3',
    );
    expect(
      (await failure(resolver.resolve(entry({ ...fixed, version_strategy: { minimum: 4 } }))))
        .message,
    ).toBe(
      '/iot/sensors: no version of subject sensor satisfies version_strategy { minimum = 4 }: the latest is v3',
    );
  });

  it('refuses an unregistered subject without auto_register', async () => {
    expect(
      (await failure(new SchemaResolver(new FakeRegistry()).resolve(entry(fixed)))).message,
    ).toBe(
      '/iot/sensors: subject sensor is not registered (set auto_register = true or register it first)',
    );
  });

  it('validates with the registry definition and warns when the local file differs', async () => {
    const registry = await threeVersions();
    const warnings: string[] = [];
    const dir = configDir({ 'sensor.json': v1 });
    const resolved = await new SchemaResolver(registry, { warn: (m) => warnings.push(m) }).resolve(
      entry({ auto_register: false, version_strategy: { pinned: 2 } }),
      dir,
    );
    expect(resolved.definition).toBe('{"type":"object","required":["t","a"]}');
    expect(warnings).toEqual([
      `/iot/sensors: ${path.join(dir, 'sensor.json')} differs from subject sensor v2 in the registry; validating with the registry's v2`,
    ]);
  });

  it('refuses two entries for one topic', async () => {
    const registry = await threeVersions();
    const config = { schemas: [entry(fixed), entry(fixed)] };
    expect((await failure(resolveSchemas(config, registry))).message).toBe(
      'topic /iot/sensors has more than one [[schemas]] entry',
    );
  });
});
