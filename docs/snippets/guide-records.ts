import { Offset, SourceEnvelope, SourceRecord } from 'danube-connect-core';

export function records(): SourceEnvelope[] {
  // #region records
  // JSON values and serializable objects (json_schema and avro topics, or no schema)
  const reading = SourceRecord.json('/iot/sensors', { device: 'd-1', temp: 21.5 });
  const order = SourceRecord.from('/shop/orders', { id: 7, placedAt: new Date(0) }); // toJSON honoured
  // Plain text, numbers and bytes (string, number and bytes topics)
  const line = SourceRecord.string('/logs/app', 'GET /health 200');
  const counter = SourceRecord.number('/metrics/requests', 42.5);
  const image = SourceRecord.bytes('/media/thumbs', new Uint8Array([0xff, 0xd8, 0xff]));
  const fromBase64 = SourceRecord.base64('/media/thumbs', '/9j/');

  // Keys route to partitions (FNV-1a, as the Rust client) and reach consumers;
  // attributes are string properties. Records are immutable: these return copies.
  const keyed = reading.withKey('d-1').withAttributes({ source: 'mqtt', site: 'lyon' });

  // An envelope carries the connector's own offset, committed after publish.
  const envelope = SourceEnvelope.withOffset(keyed, Offset.of('sensors-0', 1_024n));
  // #endregion
  return [order, line, counter, image, fromBase64, envelope].map((r) =>
    r instanceof SourceEnvelope ? r : SourceEnvelope.of(r),
  );
}
