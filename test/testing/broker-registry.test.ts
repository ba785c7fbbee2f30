import { status } from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import {
  call,
  callError,
  closeBroker,
  openBroker,
  rawClients,
  type RawClients,
} from './broker-helpers.js';

interface RegisterResponse {
  schema_id: string;
  version: number;
  is_new_version: boolean;
  fingerprint: string;
}
interface SchemaResponse {
  schema_id: string;
  version: number;
  subject: string;
  schema_type: string;
  schema_definition: Buffer;
  compatibility_mode: string;
  description: string;
  created_by: string;
  tags: string[];
}

const json = (value: unknown): string => JSON.stringify(value);

const V1 = json({
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' } },
  required: ['id'],
});
const V2_OPTIONAL_FIELD = json({
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' } },
  required: ['id'],
});
const V2_NEW_REQUIRED = json({
  type: 'object',
  properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' } },
  required: ['id', 'email'],
});
const V2_TYPE_CHANGED = json({
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' } },
  required: ['id'],
});
const V2_REQUIRED_REMOVED = json({
  type: 'object',
  properties: { name: { type: 'string' } },
});

const AVRO_V1 = json({
  type: 'record',
  name: 'User',
  fields: [{ name: 'id', type: 'long' }],
});
const AVRO_FIELD_WITH_DEFAULT = json({
  type: 'record',
  name: 'User',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'email', type: 'string', default: '' },
  ],
});
const AVRO_FIELD_WITHOUT_DEFAULT = json({
  type: 'record',
  name: 'User',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'email', type: 'string' },
  ],
});
const AVRO_ID_REMOVED = json({ type: 'record', name: 'User', fields: [] });

describe('embedded broker: schema registry', () => {
  let broker: EmbeddedBroker;
  let clients: RawClients;

  beforeEach(async () => {
    ({ broker, clients } = await openBroker());
  });

  afterEach(async () => {
    await closeBroker({ broker, clients });
  });

  function register(subject: string, type: string, definition: string): Promise<RegisterResponse> {
    return call<RegisterResponse>(clients.registry, 'RegisterSchema', {
      subject,
      schema_type: type,
      schema_definition: Buffer.from(definition),
      description: 'd',
      created_by: 'me',
      tags: ['t'],
    });
  }

  function registerError(subject: string, type: string, definition: string) {
    return callError(clients.registry, 'RegisterSchema', {
      subject,
      schema_type: type,
      schema_definition: Buffer.from(definition),
    });
  }

  function setMode(subject: string, mode: string): Promise<unknown> {
    return call(clients.registry, 'SetCompatibilityMode', { subject, compatibility_mode: mode });
  }

  async function check(subject: string, type: string, definition: string, mode?: string) {
    return call<{ is_compatible: boolean; errors: string[] }>(
      clients.registry,
      'CheckCompatibility',
      {
        subject,
        schema_type: type,
        new_schema_definition: Buffer.from(definition),
        ...(mode !== undefined && { compatibility_mode: mode }),
      },
    );
  }

  it('keeps one schema id per subject with versions 1..n, and identical definitions are not new versions', async () => {
    const v1 = await register('users', 'json_schema', V1);
    expect(v1).toMatchObject({ version: 1, is_new_version: true });
    expect(v1.schema_id).toMatch(/^\d+$/);
    expect(v1.fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/);
    const again = await register('users', 'json_schema', V1);
    expect(again).toEqual({ ...v1, is_new_version: false });
    const v2 = await register('users', 'json_schema', V2_OPTIONAL_FIELD);
    expect(v2).toMatchObject({ schema_id: v1.schema_id, version: 2, is_new_version: true });
    const other = await register('orders', 'json_schema', V1);
    expect(other.schema_id).not.toBe(v1.schema_id);
    const versions = await call<{ versions: Array<{ version: number; schema_id: string }> }>(
      clients.registry,
      'ListVersions',
      { subject: 'users' },
    );
    expect(versions.versions.map((v) => [v.version, v.schema_id])).toEqual([
      [1, v1.schema_id],
      [2, v1.schema_id],
    ]);
  });

  it('returns definitions wrapped by type, as the real registry serialises them', async () => {
    const { schema_id: jsonId } = await register('j', 'json_schema', V1);
    const { schema_id: avroId } = await register('a', 'avro', AVRO_V1);
    await register('s', 'string', '');
    await register('b', 'bytes', '');
    await register('n', 'number', '');
    const got = await call<SchemaResponse>(clients.registry, 'GetSchema', {
      schema_id: jsonId,
      version: 1,
    });
    expect(got).toMatchObject({
      schema_id: jsonId,
      version: 1,
      subject: 'j',
      schema_type: 'json_schema',
      compatibility_mode: 'backward',
      description: 'd',
      created_by: 'me',
      tags: ['t'],
    });
    const wrapped = JSON.parse(got.schema_definition.toString()) as {
      JsonSchema: { raw_schema: string };
    };
    expect(wrapped.JsonSchema.raw_schema).toBe(V1);
    const avro = await call<SchemaResponse>(clients.registry, 'GetSchema', { schema_id: avroId });
    expect(
      (JSON.parse(avro.schema_definition.toString()) as { Avro: { raw_schema: string } }).Avro
        .raw_schema,
    ).toBe(AVRO_V1);
    for (const [subject, text] of [
      ['s', '"String"'],
      ['b', '"Bytes"'],
      ['n', '"Number"'],
    ] as const) {
      const latest = await call<SchemaResponse>(clients.registry, 'GetLatestSchema', { subject });
      expect(latest.schema_definition.toString()).toBe(text);
    }
  });

  it('answers NOT_FOUND for unknown ids, subjects and versions', async () => {
    expect((await callError(clients.registry, 'GetSchema', { schema_id: '5' })).code).toBe(
      status.NOT_FOUND,
    );
    expect((await callError(clients.registry, 'GetLatestSchema', { subject: 'x' })).code).toBe(
      status.NOT_FOUND,
    );
    expect((await callError(clients.registry, 'ListVersions', { subject: 'x' })).code).toBe(
      status.NOT_FOUND,
    );
    const { schema_id } = await register('j', 'json_schema', V1);
    expect((await callError(clients.registry, 'GetSchema', { schema_id, version: 9 })).code).toBe(
      status.NOT_FOUND,
    );
  });

  it('refuses invalid definitions and unknown schema types with INTERNAL', async () => {
    expect((await registerError('j', 'json_schema', '{nope')).code).toBe(status.INTERNAL);
    expect((await registerError('a', 'avro', '{"type":"record"}')).code).toBe(status.INTERNAL);
    const unknown = await registerError('x', 'yaml', 'a: 1');
    expect(unknown.code).toBe(status.INTERNAL);
    expect(unknown.details).toContain('Unknown schema type: yaml');
  });

  describe('JSON Schema compatibility', () => {
    it('backward (default): accepts an optional field, refuses a new required field, a type change, a removed required field', async () => {
      await register('u', 'json_schema', V1);
      const refused = await registerError('u', 'json_schema', V2_NEW_REQUIRED);
      expect(refused.code).toBe(status.INTERNAL);
      expect(refused.details).toContain(
        "Schema is not compatible with subject 'u' (mode: Backward)",
      );
      expect(refused.details).toContain("'email'");
      expect((await registerError('u', 'json_schema', V2_TYPE_CHANGED)).details).toContain(
        "changed type of field 'id'",
      );
      expect((await registerError('u', 'json_schema', V2_REQUIRED_REMOVED)).details).toContain(
        "removed required field 'id'",
      );
      expect((await register('u', 'json_schema', V2_OPTIONAL_FIELD)).version).toBe(2);
    });

    it('backward: refuses a narrowed enum, accepts a widened one', async () => {
      const schema = (values: string[]) =>
        json({ type: 'object', properties: { level: { type: 'string', enum: values } } });
      await register('e', 'json_schema', schema(['a', 'b']));
      expect((await registerError('e', 'json_schema', schema(['a']))).details).toContain(
        'narrowed enum',
      );
      expect((await register('e', 'json_schema', schema(['a', 'b', 'c']))).version).toBe(2);
    });

    it('forward: refuses a new required field and a removed required field, accepts dropping an optional one', async () => {
      await register('f', 'json_schema', V1);
      await setMode('f', 'forward');
      expect((await registerError('f', 'json_schema', V2_NEW_REQUIRED)).details).toContain(
        "Forward incompatible: added new required field 'email'",
      );
      expect((await registerError('f', 'json_schema', V2_REQUIRED_REMOVED)).details).toContain(
        "removed required field 'id'",
      );
      const dropped = json({
        type: 'object',
        properties: { id: { type: 'integer' } },
        required: ['id'],
      });
      expect((await register('f', 'json_schema', dropped)).version).toBe(2);
    });

    it('full: only changes both ways compatible pass', async () => {
      await register('full', 'json_schema', V1);
      await setMode('full', 'full');
      expect((await registerError('full', 'json_schema', V2_NEW_REQUIRED)).code).toBe(
        status.INTERNAL,
      );
      expect((await registerError('full', 'json_schema', V2_TYPE_CHANGED)).code).toBe(
        status.INTERNAL,
      );
      expect((await register('full', 'json_schema', V2_OPTIONAL_FIELD)).version).toBe(2);
    });

    it('none: accepts anything', async () => {
      await register('n', 'json_schema', V1);
      await setMode('n', 'none');
      expect((await register('n', 'json_schema', V2_TYPE_CHANGED)).version).toBe(2);
      const latest = await call<SchemaResponse>(clients.registry, 'GetLatestSchema', {
        subject: 'n',
      });
      expect(latest.compatibility_mode).toBe('none');
    });

    it('CheckCompatibility gives the reasons without registering, with an optional mode override', async () => {
      await register('c', 'json_schema', V1);
      const result = await check('c', 'json_schema', V2_NEW_REQUIRED);
      expect(result.is_compatible).toBe(false);
      expect(result.errors.join(' ')).toContain('email');
      expect(await check('c', 'json_schema', V2_NEW_REQUIRED, 'none')).toEqual({
        is_compatible: true,
        errors: [],
      });
      expect(await check('c', 'json_schema', V2_OPTIONAL_FIELD)).toEqual({
        is_compatible: true,
        errors: [],
      });
      const versions = await call<{ versions: unknown[] }>(clients.registry, 'ListVersions', {
        subject: 'c',
      });
      expect(versions.versions).toHaveLength(1);
    });

    it('refuses a change of schema type', async () => {
      await register('t', 'json_schema', V1);
      expect((await registerError('t', 'avro', AVRO_V1)).details).toContain(
        'Schema types must match',
      );
    });
  });

  describe('Avro compatibility', () => {
    it('backward: a new field needs a default; removing a field is fine', async () => {
      await register('a', 'avro', AVRO_V1);
      const refused = await registerError('a', 'avro', AVRO_FIELD_WITHOUT_DEFAULT);
      expect(refused.code).toBe(status.INTERNAL);
      expect(refused.details).toContain('Backward incompatible');
      expect((await register('a', 'avro', AVRO_FIELD_WITH_DEFAULT)).version).toBe(2);
    });

    it('forward: old readers must read new data; removing a field without default is refused', async () => {
      await register('af', 'avro', AVRO_V1);
      await setMode('af', 'forward');
      expect((await registerError('af', 'avro', AVRO_ID_REMOVED)).details).toContain(
        'Forward incompatible',
      );
      expect((await register('af', 'avro', AVRO_FIELD_WITHOUT_DEFAULT)).version).toBe(2);
    });

    it('full: needs both directions', async () => {
      await register('aful', 'avro', AVRO_V1);
      await setMode('aful', 'full');
      expect((await registerError('aful', 'avro', AVRO_FIELD_WITHOUT_DEFAULT)).code).toBe(
        status.INTERNAL,
      );
      expect((await register('aful', 'avro', AVRO_FIELD_WITH_DEFAULT)).version).toBe(2);
    });

    it('none: accepts anything', async () => {
      await register('an', 'avro', AVRO_V1);
      await setMode('an', 'none');
      expect(
        (await register('an', 'avro', json({ type: 'record', name: 'Other', fields: [] }))).version,
      ).toBe(2);
    });
  });

  it('sets modes case-insensitively and refuses unknown modes with INVALID_ARGUMENT', async () => {
    await register('m', 'string', '');
    await setMode('m', 'FULL');
    const subjects = await call<{
      subjects: Array<{ subject: string; compatibility_mode: string }>;
    }>(clients.registry, 'ListSubjects', {});
    expect(subjects.subjects).toEqual([
      expect.objectContaining({
        subject: 'm',
        compatibility_mode: 'full',
        schema_type: 'string',
        latest_version: 1,
      }),
    ]);
    expect(
      (
        await callError(clients.registry, 'SetCompatibilityMode', {
          subject: 'm',
          compatibility_mode: 'x',
        })
      ).code,
    ).toBe(status.INVALID_ARGUMENT);
    expect(
      (
        await callError(clients.registry, 'SetCompatibilityMode', {
          subject: 'zz',
          compatibility_mode: 'none',
        })
      ).code,
    ).toBe(status.INTERNAL);
  });

  it('deletes a version, and answers success for a version or subject that does not exist', async () => {
    await register('d', 'json_schema', V1);
    await register('d', 'json_schema', V2_OPTIONAL_FIELD);
    await call(clients.registry, 'DeleteSchemaVersion', { subject: 'd', version: 1 });
    const versions = await call<{ versions: Array<{ version: number }> }>(
      clients.registry,
      'ListVersions',
      {
        subject: 'd',
      },
    );
    expect(versions.versions.map((v) => v.version)).toEqual([2]);
    // as the real broker: deleting what does not exist is not an error
    for (const missing of [
      { subject: 'd', version: 7 },
      { subject: 'nobody', version: 1 },
    ]) {
      expect(await call(clients.registry, 'DeleteSchemaVersion', missing)).toEqual({
        success: true,
        message: `Deleted version ${missing.version} for subject ${missing.subject}`,
      });
    }
  });

  it('hands out schema ids from the id generator', async () => {
    const custom = await startBroker({ idGenerator: () => 2n ** 64n - 1n });
    const raw = rawClients(custom);
    try {
      const response = await call<RegisterResponse>(raw.registry, 'RegisterSchema', {
        subject: 's',
        schema_type: 'bytes',
        schema_definition: Buffer.alloc(0),
      });
      expect(response.schema_id).toBe('18446744073709551615');
    } finally {
      raw.close();
      await custom.close();
    }
  });
});
