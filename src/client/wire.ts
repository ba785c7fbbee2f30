/**
 * TypeScript shapes of the Danube protocol messages as `@grpc/proto-loader` produces
 * them with {@link PROTO_LOADER_OPTIONS}: snake_case keys, u64 as decimal strings, enums
 * as names, bytes as Buffers. Outgoing messages may leave defaulted fields out.
 * @module
 */

/** A u64 on the wire: a decimal string (never a JS number, ids use the full range). */
export type U64 = string;

/** `ProducerAccessMode` enum of DanubeApi.proto, by name. */
export type ProducerAccessMode = 'Shared' | 'Exclusive';
/** `DispatchStrategy` enum of DanubeApi.proto, by name. */
export type DispatchStrategyName = 'NonReliable' | 'Reliable';
/** Subscription type of `ConsumerRequest` (DanubeApi.proto), by name. */
export type SubscriptionTypeName = 'Exclusive' | 'Shared' | 'Failover' | 'KeyShared';
/** `TopicLookupResponse.response_type` (DanubeApi.proto), by name. */
export type LookupTypeName = 'Redirect' | 'Connect' | 'Failed';

/** `SchemaReference` message of DanubeApi.proto, as proto-loader decodes it. */
export interface SchemaReferenceMsg {
  subject: string;
  use_latest?: boolean;
  pinned_version?: number;
  min_version?: number;
  version_ref?: 'use_latest' | 'pinned_version' | 'min_version';
}

/** `ProducerRequest` message of DanubeApi.proto, as proto-loader decodes it. */
export interface ProducerRequestMsg {
  request_id: U64;
  producer_name: string;
  topic_name: string;
  schema_ref?: SchemaReferenceMsg | null;
  producer_access_mode: ProducerAccessMode;
  dispatch_strategy: DispatchStrategyName;
}

/** `ProducerResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface ProducerResponseMsg {
  request_id: U64;
  producer_id: U64;
  producer_name: string;
}

/** `MsgID` message of DanubeApi.proto, as proto-loader decodes it. */
export interface MsgIdMsg {
  producer_id: U64;
  topic_name: string;
  broker_addr: string;
  topic_offset: U64;
}

/** `StreamMessage` message of DanubeApi.proto, as proto-loader decodes it. */
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

/** `MessageResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface MessageResponseMsg {
  request_id: U64;
}

/** `ConsumerRequest` message of DanubeApi.proto, as proto-loader decodes it. */
export interface ConsumerRequestMsg {
  request_id: U64;
  topic_name: string;
  consumer_name: string;
  subscription: string;
  subscription_type: SubscriptionTypeName;
  key_filters: string[];
}

/** `ConsumerResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface ConsumerResponseMsg {
  request_id: U64;
  consumer_id: U64;
  consumer_name: string;
}

/** `ReceiveRequest` message of DanubeApi.proto, as proto-loader decodes it. */
export interface ReceiveRequestMsg {
  request_id: U64;
  consumer_id: U64;
}

/** `AckRequest` message of DanubeApi.proto, as proto-loader decodes it. */
export interface AckRequestMsg {
  request_id: U64;
  /** Null when a request arrives without it (a server must not assume it). */
  msg_id: MsgIdMsg | null;
  subscription_name: string;
}

/** `NackRequest` (DanubeApi.proto): an `AckRequest` plus redelivery delay and reason. */
export interface NackRequestMsg extends AckRequestMsg {
  delay_ms?: U64;
  reason?: string;
}

/** `AckResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface AckResponseMsg {
  request_id: U64;
}

/** `TopicLookupRequest` message of DanubeApi.proto, as proto-loader decodes it. */
export interface TopicLookupRequestMsg {
  request_id: U64;
  topic: string;
}

/** `TopicLookupResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface TopicLookupResponseMsg {
  request_id: U64;
  response_type: LookupTypeName;
  connect_url: string;
  broker_url: string;
  proxy: boolean;
}

/** `TopicPartitionsResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface TopicPartitionsResponseMsg {
  request_id: U64;
  partitions: string[];
}

/** `HealthCheckRequest` message of DanubeApi.proto, as proto-loader decodes it. */
export interface HealthCheckRequestMsg {
  request_id: U64;
  client: 'Producer' | 'Consumer';
  id: U64;
}

/** `HealthCheckResponse` message of DanubeApi.proto, as proto-loader decodes it. */
export interface HealthCheckResponseMsg {
  status: 'OK' | 'CLOSE';
}

/** `RegisterSchemaRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface RegisterSchemaRequestMsg {
  subject: string;
  schema_type: string;
  schema_definition: Buffer;
  description: string;
  created_by: string;
  tags: string[];
}

/** `RegisterSchemaResponse` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface RegisterSchemaResponseMsg {
  schema_id: U64;
  version: number;
  is_new_version: boolean;
  fingerprint: string;
}

/** `GetSchemaRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface GetSchemaRequestMsg {
  schema_id: U64;
  version?: number;
}

/** `GetSchemaResponse` message of SchemaRegistry.proto, as proto-loader decodes it. */
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

/** `GetLatestSchemaRequest` / `ListVersionsRequest` (SchemaRegistry.proto): a subject name. */
export interface SubjectRequestMsg {
  subject: string;
}

/** `SchemaVersionInfo` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface SchemaVersionInfoMsg {
  version: number;
  created_at: U64;
  created_by: string;
  description: string;
  fingerprint: string;
  schema_id: U64;
}

/** `ListVersionsResponse` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface ListVersionsResponseMsg {
  versions: SchemaVersionInfoMsg[];
}

/** `CheckCompatibilityRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface CheckCompatibilityRequestMsg {
  subject: string;
  new_schema_definition: Buffer;
  schema_type: string;
  compatibility_mode?: string;
}

/** `CheckCompatibilityResponse` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface CheckCompatibilityResponseMsg {
  is_compatible: boolean;
  errors: string[];
}

/** `DeleteSchemaVersionRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface DeleteSchemaVersionRequestMsg {
  subject: string;
  version: number;
}

/** `SetCompatibilityModeRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface SetCompatibilityModeRequestMsg {
  subject: string;
  compatibility_mode: string;
}

/** `ConfigureTopicSchemaRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface ConfigureTopicSchemaRequestMsg {
  topic_name: string;
  schema_subject: string;
  validation_policy: string;
  enable_payload_validation: boolean;
}

/** `UpdateTopicValidationPolicyRequest` message of SchemaRegistry.proto, as proto-loader decodes it. */
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

/** `GetTopicSchemaConfigRequest` (SchemaRegistry.proto): a topic name. */
export interface TopicNameRequestMsg {
  topic_name: string;
}

/** `GetTopicSchemaConfigResponse` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface GetTopicSchemaConfigResponseMsg {
  schema_subject: string;
  validation_policy: string;
  enable_payload_validation: boolean;
  schema_id: U64;
}

/** `SubjectSummary` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface SubjectSummaryMsg {
  subject: string;
  schema_type: string;
  latest_version: number;
  compatibility_mode: string;
  schema_id: U64;
  tags: string[];
}

/** `ListSubjectsResponse` message of SchemaRegistry.proto, as proto-loader decodes it. */
export interface ListSubjectsResponseMsg {
  subjects: SubjectSummaryMsg[];
}
