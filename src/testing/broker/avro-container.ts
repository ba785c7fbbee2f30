import { inflateRawSync } from 'node:zlib';
import type { Type as AvroType } from 'avsc';
import { avroType } from './schema-definitions.js';
import { DanubeConnectError } from '../../errors.js';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
const SYNC_BYTES = 16;

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  long(): number {
    let shift = 0;
    let value = 0n;
    for (;;) {
      if (this.pos >= this.buf.length)
        throw new DanubeConnectError('invalid_data', 'unexpected end of data');
      const byte = this.buf[this.pos++] ?? 0;
      value |= BigInt(byte & 0x7f) << BigInt(shift);
      if ((byte & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new DanubeConnectError('invalid_data', 'malformed varint');
    }
    const decoded = (value >> 1n) ^ -(value & 1n);
    return Number(decoded);
  }

  bytes(length = this.long()): Buffer {
    if (length < 0 || this.pos + length > this.buf.length)
      throw new DanubeConnectError('invalid_data', 'unexpected end of data');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  get done(): boolean {
    return this.pos >= this.buf.length;
  }
}

/**
 * Decodes an Avro object container file held in memory and reads every record with
 * `readerSchema` (the writer schema embedded in the header must resolve to it).
 * Throws with a reason when the data is not such a container; returns the record count.
 */
export function readAvroContainer(data: Buffer, readerSchema: unknown): number {
  const reader = new Reader(data);
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new DanubeConnectError('invalid_data', 'not an Avro object container (bad magic bytes)');
  }
  reader.pos = MAGIC.length;
  const meta = new Map<string, Buffer>();
  for (;;) {
    let count = reader.long();
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      reader.long();
    }
    for (let i = 0; i < count; i++) {
      const key = reader.bytes().toString('utf8');
      meta.set(key, reader.bytes());
    }
  }
  const sync = reader.bytes(SYNC_BYTES);
  const writerText = meta.get('avro.schema')?.toString('utf8');
  if (writerText === undefined)
    throw new DanubeConnectError('invalid_data', 'container header has no avro.schema');
  const codec = meta.get('avro.codec')?.toString('utf8') ?? 'null';
  if (codec !== 'null' && codec !== 'deflate')
    throw new DanubeConnectError('invalid_data', `unsupported codec ${codec}`);
  const writer = avroType(JSON.parse(writerText) as unknown);
  const target: AvroType = avroType(readerSchema);
  const resolver = target.createResolver(writer);
  let records = 0;
  while (!reader.done) {
    const count = reader.long();
    const block = reader.bytes();
    if (!reader.bytes(SYNC_BYTES).equals(sync))
      throw new DanubeConnectError('invalid_data', 'block sync marker mismatch');
    const body = codec === 'deflate' ? inflateRawSync(block) : block;
    let offset = 0;
    for (let i = 0; i < count; i++) {
      const result = target.decode(body, offset, resolver);
      if (result.offset < 0) throw new DanubeConnectError('invalid_data', 'truncated record');
      offset = result.offset;
      records++;
    }
    if (offset !== body.length)
      throw new DanubeConnectError('invalid_data', 'trailing bytes in block');
  }
  if (records === 0) throw new DanubeConnectError('invalid_data', 'no data found');
  return records;
}
