import {
  SchemaValidationError,
  SourceRecord,
  type DeliveryResult,
  type SourceSender,
} from 'danube-connect-core';

export function recordsPerSchemaType(): SourceRecord[] {
  // #region records
  return [
    // json_schema and avro topics: a JSON value, validated against the subject's version
    SourceRecord.json('/iot/sensors', { device: 'd1', temperature: 21.5 }),
    // number topics: a finite number
    SourceRecord.number('/iot/temperature', 42.5),
    // string topics: text (sent as UTF-8); another JSON value is sent as its JSON text
    SourceRecord.string('/logs/app', 'GET /health 200'),
    // bytes topics: anything; bytes go out unchanged
    SourceRecord.bytes('/images/raw', new Uint8Array([0x00, 0xff, 0x10])),
    // ... and a JSON string, or the data field of a JSON object, is decoded from base64
    SourceRecord.json('/images/raw', { data: 'AP8Q', encoding: 'base64' }),
  ];
  // #endregion
}

export async function sendReading(sender: SourceSender, reading: unknown): Promise<void> {
  // #region delivery
  const receipt = await sender.send(SourceRecord.from('/iot/sensors', reading));
  let result: DeliveryResult;
  try {
    result = await receipt.delivered;
  } catch (error) {
    // failure_policy = "fail": the runtime stops; the receipt rejects with the cause
    if (error instanceof SchemaValidationError) {
      console.error(
        `${error.topic} ${error.subject} v${error.version}: ${error.path}: ${error.reason}`,
      );
    }
    throw error;
  }
  if (result.status !== 'published') {
    // failure_policy = "skip" or "dead_letter": the record was not published to its topic
    console.warn(`reading ${result.status}: ${result.error.message}`);
  }
  // #endregion
}
