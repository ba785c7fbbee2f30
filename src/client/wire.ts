/**
 * TypeScript shapes of the Danube protocol messages as `@grpc/proto-loader` produces
 * them with {@link PROTO_LOADER_OPTIONS}: snake_case keys, u64 as decimal strings, enums
 * as names, bytes as Buffers. Outgoing messages may leave defaulted fields out.
 * @module
 */

/** A u64 on the wire: a decimal string (never a JS number, ids use the full range). */
export type U64 = string;

export type ProducerAccessMode = 'Shared' | 'Exclusive';
export type DispatchStrategyName = 'NonReliable' | 'Reliable';
export type SubscriptionTypeName = 'Exclusive' | 'Shared' | 'Failover' | 'KeyShared';
export type LookupTypeName = 'Redirect' | 'Connect' | 'Failed';

export interface SchemaReferenceMsg {
  subject: string;
  use_latest?: boolean;
  pinned_version?: number;
  min_version?: number;
  version_ref?: 'use_latest' | 'pinned_version' | 'min_version';
}

export interface ProducerRequestMsg {
  request_id: U64;
  producer_name: string;
  topic_name: string;
  schema_ref?: SchemaReferenceMsg | null;
  producer_access_mode: ProducerAccessMode;
  dispatch_strategy: DispatchStrategyName;
}

export interface ProducerResponseMsg {
  request_id: U64;
  producer_id: U64;
  producer_name: string;
}

export interface MsgIdMsg {
  producer_id: U64;
  topic_name: string;
  broker_addr: string;
  topic_offset: U64;
}

export interface StreamMessageMsg {
  request_id: U64;
  msg_id: MsgIdMsg | null;
  payload: Buffer;
  publish_time: U64;
  producer_name: string;
  subscription_name: string;
  attributes: Record<string, string>;
  schema_id?: U64;
  schema_version?: number;
  routing_key?: string;
}

export interface MessageResponseMsg {
  request_id: U64;
}

export interface ConsumerRequestMsg {
  request_id: U64;
  topic_name: string;
  consumer_name: string;
  subscription: string;
  subscription_type: SubscriptionTypeName;
  key_filters: string[];
}

export interface ConsumerResponseMsg {
  request_id: U64;
  consumer_id: U64;
  consumer_name: string;
}

export interface ReceiveRequestMsg {
  request_id: U64;
  consumer_id: U64;
}

export interface AckRequestMsg {
  request_id: U64;
  msg_id: MsgIdMsg;
  subscription_name: string;
}

export interface NackRequestMsg extends AckRequestMsg {
  delay_ms?: U64;
  reason?: string;
}

export interface AckResponseMsg {
  request_id: U64;
}

export interface TopicLookupRequestMsg {
  request_id: U64;
  topic: string;
}

export interface TopicLookupResponseMsg {
  request_id: U64;
  response_type: LookupTypeName;
  connect_url: string;
  broker_url: string;
  proxy: boolean;
}

export interface TopicPartitionsResponseMsg {
  request_id: U64;
  partitions: string[];
}

export interface HealthCheckRequestMsg {
  request_id: U64;
  client: 'Producer' | 'Consumer';
  id: U64;
}

export interface HealthCheckResponseMsg {
  status: 'OK' | 'CLOSE';
}

export interface RegisterSchemaRequestMsg {
  subject: string;
  schema_type: string;
  schema_definition: Buffer;
  description: string;
  created_by: string;
  tags: string[];
}

export interface RegisterSchemaResponseMsg {
  schema_id: U64;
  version: number;
  is_new_version: boolean;
  fingerprint: string;
}

export interface GetSchemaRequestMsg {
  schema_id: U64;
  version?: number;
}

export interface GetSchemaResponseMsg {
  schema_id: U64;
  version: number;
  subject: string;
  schema_type: string;
  schema_definition: Buffer;
  description: string;
  created_at: U64;
  created_by: string;
  tags: string[];
  fingerprint: string;
  compatibility_mode: string;
}

export interface SubjectRequestMsg {
  subject: string;
}

export interface SchemaVersionInfoMsg {
  version: number;
  created_at: U64;
  created_by: string;
  description: string;
  fingerprint: string;
  schema_id: U64;
}

export interface ListVersionsResponseMsg {
  versions: SchemaVersionInfoMsg[];
}

export interface CheckCompatibilityRequestMsg {
  subject: string;
  new_schema_definition: Buffer;
  schema_type: string;
  compatibility_mode?: string;
}

export interface CheckCompatibilityResponseMsg {
  is_compatible: boolean;
  errors: string[];
}

export interface DeleteSchemaVersionRequestMsg {
  subject: string;
  version: number;
}

export interface SetCompatibilityModeRequestMsg {
  subject: string;
  compatibility_mode: string;
}

export interface ConfigureTopicSchemaRequestMsg {
  topic_name: string;
  schema_subject: string;
  validation_policy: string;
  enable_payload_validation: boolean;
}

export interface UpdateTopicValidationPolicyRequestMsg {
  topic_name: string;
  validation_policy: string;
  enable_payload_validation: boolean;
}

/** Shared response shape of Delete/SetCompatibilityMode/ConfigureTopicSchema/UpdateTopicValidationPolicy. */
export interface SuccessResponseMsg {
  success: boolean;
  message: string;
}

export interface TopicNameRequestMsg {
  topic_name: string;
}

export interface GetTopicSchemaConfigResponseMsg {
  schema_subject: string;
  validation_policy: string;
  enable_payload_validation: boolean;
  schema_id: U64;
}

export interface SubjectSummaryMsg {
  subject: string;
  schema_type: string;
  latest_version: number;
  compatibility_mode: string;
  schema_id: U64;
  tags: string[];
}

export interface ListSubjectsResponseMsg {
  subjects: SubjectSummaryMsg[];
}
