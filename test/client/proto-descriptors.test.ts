import { describe, expect, it } from 'vitest';
import { danubePackageDefinition, danubeServices } from '../../src/client/proto.js';

/**
 * The protocol tables of /work/shared/danube-protocol.md, encoded by hand. A field type is
 * a scalar (`uint64`), `optional <scalar>`, `repeated <scalar>`, `map<string,string>`,
 * a message or enum name, or `oneof:<group> <scalar>`.
 */
const SERVICES: Array<[string, string, string, string, boolean]> = [
  ['danube.ProducerService', 'CreateProducer', 'ProducerRequest', 'ProducerResponse', false],
  ['danube.ProducerService', 'SendMessage', 'StreamMessage', 'MessageResponse', false],
  ['danube.ConsumerService', 'Subscribe', 'ConsumerRequest', 'ConsumerResponse', false],
  ['danube.ConsumerService', 'ReceiveMessages', 'ReceiveRequest', 'StreamMessage', true],
  ['danube.ConsumerService', 'Ack', 'AckRequest', 'AckResponse', false],
  ['danube.ConsumerService', 'Nack', 'NackRequest', 'NackResponse', false],
  ['danube.Discovery', 'TopicLookup', 'TopicLookupRequest', 'TopicLookupResponse', false],
  ['danube.Discovery', 'TopicPartitions', 'TopicLookupRequest', 'TopicPartitionsResponse', false],
  ['danube.HealthCheck', 'HealthCheck', 'HealthCheckRequest', 'HealthCheckResponse', false],
  ...(
    [
      ['RegisterSchema', 'RegisterSchemaRequest', 'RegisterSchemaResponse'],
      ['GetSchema', 'GetSchemaRequest', 'GetSchemaResponse'],
      ['GetLatestSchema', 'GetLatestSchemaRequest', 'GetSchemaResponse'],
      ['ListVersions', 'ListVersionsRequest', 'ListVersionsResponse'],
      ['CheckCompatibility', 'CheckCompatibilityRequest', 'CheckCompatibilityResponse'],
      ['DeleteSchemaVersion', 'DeleteSchemaVersionRequest', 'DeleteSchemaVersionResponse'],
      ['SetCompatibilityMode', 'SetCompatibilityModeRequest', 'SetCompatibilityModeResponse'],
      ['ConfigureTopicSchema', 'ConfigureTopicSchemaRequest', 'ConfigureTopicSchemaResponse'],
      [
        'UpdateTopicValidationPolicy',
        'UpdateTopicValidationPolicyRequest',
        'UpdateTopicValidationPolicyResponse',
      ],
      ['GetTopicSchemaConfig', 'GetTopicSchemaConfigRequest', 'GetTopicSchemaConfigResponse'],
      ['ListSubjects', 'ListSubjectsRequest', 'ListSubjectsResponse'],
    ] as const
  ).map(
    ([method, req, res]) =>
      ['danube_schema.SchemaRegistry', method, req, res, false] as [
        string,
        string,
        string,
        string,
        boolean,
      ],
  ),
];

type FieldRow = [number, string, string];
const SUCCESS: FieldRow[] = [
  [1, 'success', 'bool'],
  [2, 'message', 'string'],
];

const MESSAGES: Record<string, FieldRow[]> = {
  'danube.ProducerRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'producer_name', 'string'],
    [3, 'topic_name', 'string'],
    [4, 'schema_ref', 'SchemaReference'],
    [5, 'producer_access_mode', 'ProducerAccessMode'],
    [6, 'dispatch_strategy', 'DispatchStrategy'],
  ],
  'danube.SchemaReference': [
    [1, 'subject', 'string'],
    [2, 'use_latest', 'oneof:version_ref bool'],
    [3, 'pinned_version', 'oneof:version_ref uint32'],
    [4, 'min_version', 'oneof:version_ref uint32'],
  ],
  'danube.ProducerResponse': [
    [1, 'request_id', 'uint64'],
    [2, 'producer_id', 'uint64'],
    [3, 'producer_name', 'string'],
  ],
  'danube.MessageResponse': [[1, 'request_id', 'uint64']],
  'danube.ConsumerRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'topic_name', 'string'],
    [3, 'consumer_name', 'string'],
    [4, 'subscription', 'string'],
    [5, 'subscription_type', 'SubscriptionType'],
    [6, 'key_filters', 'repeated string'],
  ],
  'danube.ConsumerResponse': [
    [1, 'request_id', 'uint64'],
    [2, 'consumer_id', 'uint64'],
    [3, 'consumer_name', 'string'],
  ],
  'danube.ReceiveRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'consumer_id', 'uint64'],
  ],
  'danube.StreamMessage': [
    [1, 'request_id', 'uint64'],
    [2, 'msg_id', 'MsgID'],
    [3, 'payload', 'bytes'],
    [4, 'publish_time', 'uint64'],
    [5, 'producer_name', 'string'],
    [6, 'subscription_name', 'string'],
    [7, 'attributes', 'map<string,string>'],
    [8, 'schema_id', 'optional uint64'],
    [9, 'schema_version', 'optional uint32'],
    [10, 'routing_key', 'optional string'],
  ],
  'danube.MsgID': [
    [1, 'producer_id', 'uint64'],
    [2, 'topic_name', 'string'],
    [3, 'broker_addr', 'string'],
    [5, 'topic_offset', 'uint64'],
  ],
  'danube.AckRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'msg_id', 'MsgID'],
    [3, 'subscription_name', 'string'],
  ],
  'danube.AckResponse': [[1, 'request_id', 'uint64']],
  'danube.NackResponse': [[1, 'request_id', 'uint64']],
  'danube.NackRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'msg_id', 'MsgID'],
    [3, 'subscription_name', 'string'],
    [4, 'delay_ms', 'optional uint64'],
    [5, 'reason', 'optional string'],
  ],
  'danube.TopicLookupRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'topic', 'string'],
  ],
  'danube.TopicLookupResponse': [
    [3, 'request_id', 'uint64'],
    [4, 'response_type', 'LookupType'],
    [5, 'connect_url', 'string'],
    [6, 'broker_url', 'string'],
    [7, 'proxy', 'bool'],
  ],
  'danube.TopicPartitionsResponse': [
    [1, 'request_id', 'uint64'],
    [2, 'partitions', 'repeated string'],
  ],
  'danube.HealthCheckRequest': [
    [1, 'request_id', 'uint64'],
    [2, 'client', 'ClientType'],
    [3, 'id', 'uint64'],
  ],
  'danube.HealthCheckResponse': [[1, 'status', 'ClientStatus']],
  'danube_schema.RegisterSchemaRequest': [
    [1, 'subject', 'string'],
    [2, 'schema_type', 'string'],
    [3, 'schema_definition', 'bytes'],
    [4, 'description', 'string'],
    [5, 'created_by', 'string'],
    [6, 'tags', 'repeated string'],
  ],
  'danube_schema.RegisterSchemaResponse': [
    [1, 'schema_id', 'uint64'],
    [2, 'version', 'uint32'],
    [3, 'is_new_version', 'bool'],
    [4, 'fingerprint', 'string'],
  ],
  'danube_schema.GetSchemaRequest': [
    [1, 'schema_id', 'uint64'],
    [2, 'version', 'optional uint32'],
  ],
  'danube_schema.GetSchemaResponse': [
    [1, 'schema_id', 'uint64'],
    [2, 'version', 'uint32'],
    [3, 'subject', 'string'],
    [4, 'schema_type', 'string'],
    [5, 'schema_definition', 'bytes'],
    [6, 'description', 'string'],
    [7, 'created_at', 'uint64'],
    [8, 'created_by', 'string'],
    [9, 'tags', 'repeated string'],
    [10, 'fingerprint', 'string'],
    [11, 'compatibility_mode', 'string'],
  ],
  'danube_schema.GetLatestSchemaRequest': [[1, 'subject', 'string']],
  'danube_schema.ListVersionsRequest': [[1, 'subject', 'string']],
  'danube_schema.ListVersionsResponse': [[1, 'versions', 'repeated SchemaVersionInfo']],
  'danube_schema.SchemaVersionInfo': [
    [1, 'version', 'uint32'],
    [2, 'created_at', 'uint64'],
    [3, 'created_by', 'string'],
    [4, 'description', 'string'],
    [5, 'fingerprint', 'string'],
    [6, 'schema_id', 'uint64'],
  ],
  'danube_schema.CheckCompatibilityRequest': [
    [1, 'subject', 'string'],
    [2, 'new_schema_definition', 'bytes'],
    [3, 'schema_type', 'string'],
    [4, 'compatibility_mode', 'optional string'],
  ],
  'danube_schema.CheckCompatibilityResponse': [
    [1, 'is_compatible', 'bool'],
    [2, 'errors', 'repeated string'],
  ],
  'danube_schema.DeleteSchemaVersionRequest': [
    [1, 'subject', 'string'],
    [2, 'version', 'uint32'],
  ],
  'danube_schema.DeleteSchemaVersionResponse': SUCCESS,
  'danube_schema.SetCompatibilityModeResponse': SUCCESS,
  'danube_schema.ConfigureTopicSchemaResponse': SUCCESS,
  'danube_schema.UpdateTopicValidationPolicyResponse': SUCCESS,
  'danube_schema.SetCompatibilityModeRequest': [
    [1, 'subject', 'string'],
    [2, 'compatibility_mode', 'string'],
  ],
  'danube_schema.ConfigureTopicSchemaRequest': [
    [1, 'topic_name', 'string'],
    [2, 'schema_subject', 'string'],
    [3, 'validation_policy', 'string'],
    [4, 'enable_payload_validation', 'bool'],
  ],
  'danube_schema.UpdateTopicValidationPolicyRequest': [
    [1, 'topic_name', 'string'],
    [2, 'validation_policy', 'string'],
    [3, 'enable_payload_validation', 'bool'],
  ],
  'danube_schema.GetTopicSchemaConfigRequest': [[1, 'topic_name', 'string']],
  'danube_schema.GetTopicSchemaConfigResponse': [
    [1, 'schema_subject', 'string'],
    [2, 'validation_policy', 'string'],
    [3, 'enable_payload_validation', 'bool'],
    [4, 'schema_id', 'uint64'],
  ],
  'danube_schema.ListSubjectsRequest': [],
  'danube_schema.ListSubjectsResponse': [[1, 'subjects', 'repeated SubjectSummary']],
  'danube_schema.SubjectSummary': [
    [1, 'subject', 'string'],
    [2, 'schema_type', 'string'],
    [3, 'latest_version', 'uint32'],
    [4, 'compatibility_mode', 'string'],
    [5, 'schema_id', 'uint64'],
    [6, 'tags', 'repeated string'],
  ],
};

const ENUMS: Record<string, Array<[string, number]>> = {
  'danube.ProducerAccessMode': [
    ['Shared', 0],
    ['Exclusive', 1],
  ],
  'danube.DispatchStrategy': [
    ['NonReliable', 0],
    ['Reliable', 1],
  ],
};

const NESTED_ENUMS: Record<string, [string, Array<[string, number]>]> = {
  'danube.ConsumerRequest': [
    'SubscriptionType',
    [
      ['Exclusive', 0],
      ['Shared', 1],
      ['Failover', 2],
      ['KeyShared', 3],
    ],
  ],
  'danube.TopicLookupResponse': [
    'LookupType',
    [
      ['Redirect', 0],
      ['Connect', 1],
      ['Failed', 2],
    ],
  ],
  'danube.HealthCheckRequest': [
    'ClientType',
    [
      ['Producer', 0],
      ['Consumer', 1],
    ],
  ],
  'danube.HealthCheckResponse': [
    'ClientStatus',
    [
      ['OK', 0],
      ['CLOSE', 1],
    ],
  ],
};

interface FieldDescriptor {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}
interface EnumDescriptor {
  name: string;
  value: Array<{ name: string; number: number }>;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  enumType: EnumDescriptor[];
  oneofDecl: Array<{ name: string }>;
  options: { mapEntry?: boolean } | null;
}

interface MessageTypeDefinition {
  format: string;
  type: unknown;
}

const definitions = danubePackageDefinition() as Record<string, object>;

function message(name: string): MessageDescriptor {
  const definition = definitions[name] as MessageTypeDefinition | undefined;
  if (!definition) throw new Error(`no message ${name} in the loaded descriptors`);
  return definition.type as MessageDescriptor;
}

/** The table type of a loaded field, in the notation of the tables above. */
function describeField(owner: MessageDescriptor, field: FieldDescriptor): string {
  const scalar =
    field.type === 'TYPE_MESSAGE' || field.type === 'TYPE_ENUM'
      ? field.typeName
      : field.type.replace('TYPE_', '').toLowerCase();
  if (field.label === 'LABEL_REPEATED') {
    const entry = owner.nestedType.find((n) => n.name === field.typeName);
    if (entry?.options?.mapEntry) {
      const [key, value] = entry.field.map((f) => f.type.replace('TYPE_', '').toLowerCase());
      return `map<${key},${value}>`;
    }
    return `repeated ${scalar}`;
  }
  if (owner.oneofDecl.some((o) => o.name === `_${field.name}`)) return `optional ${scalar}`;
  return scalar;
}

describe('proto descriptors', () => {
  it('declare exactly the services and rpcs of the protocol facts', () => {
    const loaded = Object.entries(definitions)
      .filter(([, d]) => !('format' in d))
      .flatMap(([service, methods]) =>
        Object.entries(methods as Record<string, { originalName?: string }>)
          .filter(([method]) => /^[A-Z]/.test(method))
          .map(([method]) => `${service}.${method}`),
      )
      .sort();
    expect(loaded).toEqual(SERVICES.map(([s, m]) => `${s}.${m}`).sort());
  });

  it.each(SERVICES)(
    '%s.%s: %s → %s (server streaming: %s)',
    (service, method, req, res, stream) => {
      const methods = definitions[service] as Record<
        string,
        {
          path: string;
          requestStream: boolean;
          responseStream: boolean;
          requestType: MessageTypeDefinition;
          responseType: MessageTypeDefinition;
        }
      >;
      const rpc = methods[method];
      expect(rpc).toBeDefined();
      expect(rpc?.path).toBe(`/${service}/${method}`);
      expect(rpc?.requestStream).toBe(false);
      expect(rpc?.responseStream).toBe(stream);
      expect((rpc?.requestType.type as MessageDescriptor).name).toBe(req);
      expect((rpc?.responseType.type as MessageDescriptor).name).toBe(res);
    },
  );

  it.each(Object.entries(MESSAGES))('%s has the fields of the table', (name, rows) => {
    const descriptor = message(name);
    const loaded = descriptor.field.map((f): FieldRow => [
      f.number,
      f.name,
      describeField(descriptor, f),
    ]);
    const expected = rows.map(([n, field, type]): FieldRow => [
      n,
      field,
      type.startsWith('oneof:') ? type.split(' ')[1]! : type,
    ]);
    expect(loaded).toEqual(expected);
  });

  it('declares the oneof version_ref of SchemaReference', () => {
    expect(message('danube.SchemaReference').oneofDecl.map((o) => o.name)).toEqual(['version_ref']);
  });

  it.each(Object.entries(ENUMS))('enum %s has the values of the table', (name, values) => {
    const definition = definitions[name] as { type: EnumDescriptor } | undefined;
    expect(definition?.type.value.map((v) => [v.name, v.number])).toEqual(values);
  });

  it.each(Object.entries(NESTED_ENUMS))(
    '%s declares its nested enum',
    (owner, [enumName, values]) => {
      const nested = message(owner).enumType.find((e) => e.name === enumName);
      expect(nested?.value.map((v) => [v.name, v.number])).toEqual(values);
    },
  );

  it('covers every message of both packages', () => {
    const loadedMessages = Object.entries(definitions)
      .filter(
        ([, d]) =>
          (d as Partial<MessageTypeDefinition>).format === 'Protocol Buffer 3 DescriptorProto',
      )
      .map(([name]) => name)
      .sort();
    expect(loadedMessages).toEqual(Object.keys(MESSAGES).sort());
  });
});

describe('proto wire encoding', () => {
  const services = danubeServices();
  const createProducer = services.ProducerService.service['CreateProducer']!;
  const sendMessage = services.ProducerService.service['SendMessage']!;

  it('puts a pinned schema version in field 3 of SchemaReference (oneof member)', () => {
    const bytes = createProducer.requestSerialize({
      request_id: '0',
      producer_name: 'p',
      topic_name: '/default/t',
      schema_ref: { subject: 's', pinned_version: 3 },
    });
    const decoded = createProducer.requestDeserialize(bytes) as {
      schema_ref: { version_ref: string; pinned_version: number };
    };
    expect(decoded.schema_ref.version_ref).toBe('pinned_version');
    expect(decoded.schema_ref.pinned_version).toBe(3);
    // ProducerRequest field 4 (schema_ref, length-delimited) holds SchemaReference field 3 = 3.
    expect(bytes.includes(Buffer.from([0x18, 0x03]))).toBe(true);
  });

  it('keeps u64 values above 2^53 intact as decimal strings', () => {
    const max = '18446744073709551615';
    const bytes = sendMessage.requestSerialize({
      request_id: max,
      msg_id: { producer_id: max, topic_name: '/default/t', broker_addr: '', topic_offset: max },
      schema_id: max,
    });
    const decoded = sendMessage.requestDeserialize(bytes) as {
      request_id: string;
      msg_id: { producer_id: string; topic_offset: string };
      schema_id: string;
    };
    expect(decoded.request_id).toBe(max);
    expect(decoded.msg_id.producer_id).toBe(max);
    expect(decoded.msg_id.topic_offset).toBe(max);
    expect(decoded.schema_id).toBe(max);
  });

  it('sends an optional field set to zero and omits an unset one', () => {
    const withZero = sendMessage.requestSerialize({ request_id: '1', schema_version: 0 });
    const without = sendMessage.requestSerialize({ request_id: '1' });
    expect(withZero.length).toBeGreaterThan(without.length);
    const decoded = sendMessage.requestDeserialize(without) as Record<string, unknown>;
    expect(decoded['schema_version']).toBeUndefined();
  });
});
