import { isAvroContainer, readAvroContainer } from './avro.js';
import type { SchemaTypeName, WireFormat } from './types.js';
import { DanubeConnectError } from '../errors.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** How to read a payload: its schema type (none = raw bytes) and wire format. */
export interface DecodeOptions {
  schemaType?: SchemaTypeName | undefined;
  /**
   * `default` / `binary` as written by the codecs; `auto` (the default) recognizes both: an
   * Avro container by its magic bytes, a binary number by not being number text.
   */
  wireFormat?: WireFormat | 'auto';
}

function text(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch (err) {
    throw new DanubeConnectError('invalid_data', 'payload is not valid UTF-8', { cause: err });
  }
}

function json(bytes: Uint8Array): unknown {
  const source = text(bytes);
  try {
    return JSON.parse(source) as unknown;
  } catch (err) {
    throw new DanubeConnectError(
      'invalid_data',
      `payload is not JSON text: ${(err as Error).message}`,
      { cause: err },
    );
  }
}

function binaryNumber(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength === 8) return view.getFloat64(0, false);
  if (bytes.byteLength === 4) return view.getFloat32(0, false);
  throw new DanubeConnectError(
    'invalid_data',
    `binary number payload must be 4 or 8 bytes, got ${bytes.byteLength}`,
  );
}

const NUMBER_TEXT = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;

function number(bytes: Uint8Array, wireFormat: WireFormat | 'auto'): number {
  if (wireFormat === 'binary') return binaryNumber(bytes);
  if (wireFormat === 'auto') {
    let source: string | undefined;
    try {
      source = UTF8.decode(bytes);
    } catch {
      source = undefined;
    }
    if (source === undefined || !NUMBER_TEXT.test(source)) return binaryNumber(bytes);
  }
  const value = json(bytes);
  if (typeof value !== 'number')
    throw new DanubeConnectError('invalid_data', 'payload is not JSON number text');
  return value;
}

function avroValue(bytes: Uint8Array, wireFormat: WireFormat | 'auto'): unknown {
  if (wireFormat === 'binary' || (wireFormat === 'auto' && isAvroContainer(bytes))) {
    const { values } = readAvroContainer(bytes);
    return values.length === 1 ? values[0] : values;
  }
  return json(bytes);
}

/**
 * Reads a payload back into a JS value by schema type, for `danube-connect consume` and tests:
 * json_schema → parsed JSON; avro → parsed JSON, or the record(s) of an Avro container (one
 * value, or an array when the container holds several); number → a number; string → a string;
 * bytes or no schema → a Buffer.
 *
 * @throws Error saying why the bytes do not fit the schema type
 */
export function decodePayload(bytes: Uint8Array, options: DecodeOptions = {}): unknown {
  const wireFormat = options.wireFormat ?? 'auto';
  switch (options.schemaType) {
    case 'json_schema':
      return json(bytes);
    case 'avro':
      return avroValue(bytes, wireFormat);
    case 'number':
      return number(bytes, wireFormat);
    case 'string':
      return text(bytes);
    case 'protobuf':
      throw new DanubeConnectError('config', 'protobuf payloads are not supported yet');
    case 'bytes':
    case undefined:
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
