import { inflateRawSync } from 'node:zlib';
import avro from 'avsc';
import type { Schema, Type } from 'avsc';
import { SchemaError } from './errors.js';
import { keysToSegments } from './json-path.js';
import type { ValidationProblem } from './json-schema-validator.js';
import { DanubeConnectError } from '../errors.js';

/** A bare Avro type name, e.g. `string` or `com.acme.Reading`. */
const BARE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** An Avro schema parsed once: the avsc type and its compact JSON text. */
export interface ParsedAvroSchema {
  type: Type;
  /** The schema as compact JSON, as written into container headers. */
  json: string;
}

/**
 * Parses an Avro schema definition (JSON text) with avsc.
 *
 * Unions use avsc's `auto` representation: unambiguous unions such as `["null", "string"]`
 * take plain values (`null`, `"x"`); ambiguous ones (two records, two maps…) take the wrapped
 * form `{ "com.acme.Type": value }`.
 *
 * @throws {@link SchemaError} naming `source` when the text is not JSON or not a valid Avro schema
 */
export function parseAvroSchema(definition: string, source: string): ParsedAvroSchema {
  let schema: unknown;
  try {
    schema = JSON.parse(definition);
  } catch (err) {
    // A bare type name such as `string` or `com.acme.Reading` (the registry accepts it too).
    const bare = definition.trim();
    if (BARE_NAME.test(bare)) return parseAvroSchema(JSON.stringify(bare), source);
    throw new SchemaError(
      `${source}: invalid Avro schema: not valid JSON (${(err as Error).message})`,
      { cause: err },
    );
  }
  try {
    return { type: avro.Type.forSchema(schema as Schema), json: JSON.stringify(schema) };
  } catch (err) {
    throw new SchemaError(`${source}: invalid Avro schema: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** How avsc reports type details we use in messages (not all in its typings). */
interface AvroTypeDetails {
  typeName: string;
  name?: string | undefined;
  types?: readonly Type[];
  symbols?: readonly string[];
}

function describeAvroType(type: Type): string {
  const details = type as unknown as AvroTypeDetails;
  if (details.typeName === 'enum' && details.symbols !== undefined) {
    return `one of the symbols ${JSON.stringify(details.symbols)}`;
  }
  if (details.types !== undefined)
    return `one of ${details.types.map(describeAvroType).join(' | ')}`;
  if (details.name !== undefined) return `${details.typeName} ${details.name}`;
  switch (details.typeName) {
    case 'int':
      return 'int (32-bit integer)';
    case 'long':
      return 'long (integer within ±2^53)';
    case 'bytes':
      return 'bytes';
    default:
      return details.typeName;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * The first place `value` does not fit the Avro type, or `undefined` when it fits.
 * The fast path is one `isValid` call; the error hook only runs when it failed.
 */
export function findAvroProblem(type: Type, value: unknown): ValidationProblem | undefined {
  if (type.isValid(value)) return undefined;
  let problem: ValidationProblem | undefined;
  type.isValid(value, {
    errorHook: (keys: string[], bad: unknown, badType: Type) => {
      if (problem !== undefined) return;
      const message =
        bad === undefined
          ? `is required by the Avro schema (${describeAvroType(badType)})`
          : `must be ${describeAvroType(badType)}, got ${describeValue(bad)}`;
      problem = { segments: keysToSegments(keys, value), message };
    },
  });
  return problem ?? { segments: [], message: 'does not match the Avro schema' };
}

const MAGIC = Buffer.from('Obj\x01', 'latin1');
const MAP_OF_BYTES = avro.Type.forSchema({ type: 'map', values: 'bytes' });
const LONG = avro.Type.forSchema('long');
const HEADER = avro.Type.forSchema({
  name: 'org.apache.avro.file.Header',
  type: 'record',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});

/**
 * Writes one value as a complete Avro object container (the Avro "file" format: magic
 * `Obj\x01`, metadata `avro.schema` + `avro.codec` = `null`, a 16-byte sync marker, one block).
 *
 * The header is built once. The sync marker is the schema's MD5 fingerprint (Parsing Canonical
 * Form), so the same value always gives the same bytes.
 */
export class AvroContainerWriter {
  private readonly header: Buffer;
  private readonly sync: Buffer;

  constructor(private readonly schema: ParsedAvroSchema) {
    this.sync = Buffer.from(schema.type.fingerprint('md5'));
    const meta = MAP_OF_BYTES.toBuffer({
      'avro.schema': Buffer.from(schema.json, 'utf8'),
      'avro.codec': Buffer.from('null', 'utf8'),
    });
    this.header = Buffer.concat([MAGIC, meta, this.sync]);
  }

  /** The container bytes for one value (which must be valid for the schema). */
  write(value: unknown): Buffer {
    const data = this.schema.type.toBuffer(value);
    const size = LONG.toBuffer(data.length);
    const out = Buffer.allocUnsafe(
      this.header.length + 1 + size.length + data.length + this.sync.length,
    );
    let pos = this.header.copy(out, 0);
    pos = out.writeUInt8(0x02, pos); // block count 1, zig-zag encoded
    pos += size.copy(out, pos);
    pos += data.copy(out, pos);
    this.sync.copy(out, pos);
    return out;
  }
}

/** Decoded contents of an Avro object container. */
export interface AvroContainerContents {
  /** The writer schema from the header. */
  schema: unknown;
  values: unknown[];
}

function readAt(
  type: Type,
  buf: Buffer,
  pos: number,
  what: string,
): { value: unknown; offset: number } {
  const result = type.decode(buf, pos);
  if (result.offset < 0)
    throw new DanubeConnectError('invalid_data', `truncated Avro container (${what})`);
  return result;
}

/** Whether `bytes` start like an Avro object container. */
export function isAvroContainer(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && MAGIC.equals(Buffer.from(bytes.buffer, bytes.byteOffset, 4));
}

/**
 * Reads an Avro object container (codecs `null` and `deflate`) written by any Avro library.
 * @throws Error when the bytes are not a well-formed container
 */
export function readAvroContainer(bytes: Uint8Array): AvroContainerContents {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!isAvroContainer(buf))
    throw new DanubeConnectError(
      'invalid_data',
      'not an Avro object container (missing "Obj\\x01" magic)',
    );
  const header = readAt(HEADER, buf, 0, 'header');
  const { meta, sync } = header.value as { meta: Record<string, Buffer>; sync: Buffer };
  const schemaBytes = meta['avro.schema'];
  if (schemaBytes === undefined)
    throw new DanubeConnectError('invalid_data', 'Avro container header has no avro.schema');
  const codec = meta['avro.codec']?.toString('utf8') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate')
    throw new DanubeConnectError('invalid_data', `unsupported Avro container codec "${codec}"`);
  const schema: unknown = JSON.parse(schemaBytes.toString('utf8'));
  const type = avro.Type.forSchema(schema as Schema);
  const values: unknown[] = [];
  let pos = header.offset;
  while (pos < buf.length) {
    const count = readAt(LONG, buf, pos, 'block count');
    const size = readAt(LONG, buf, count.offset, 'block size');
    const start = size.offset;
    const end = start + (size.value as number);
    if (end + 16 > buf.length)
      throw new DanubeConnectError('invalid_data', 'truncated Avro container (block)');
    if (!buf.subarray(end, end + 16).equals(sync))
      throw new DanubeConnectError('invalid_data', 'Avro container block sync marker mismatch');
    let data = buf.subarray(start, end);
    if (codec === 'deflate') data = inflateRawSync(data);
    let at = 0;
    for (let i = 0; i < (count.value as number); i++) {
      const record = readAt(type, data, at, 'record');
      values.push(record.value);
      at = record.offset;
    }
    pos = end + 16;
  }
  return { schema, values };
}
