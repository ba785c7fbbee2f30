/**
 * `danube-connect-core/client`: a wire-compatible Node.js client for the Danube
 * messaging broker (producers, consumers, topic discovery, schema registry).
 *
 * @example
 * ```ts
 * import { DanubeClient } from 'danube-connect-core/client';
 * const client = await DanubeClient.connect({ serviceUrl: 'http://localhost:6650' });
 * const producer = await client.createProducer({ topic: '/default/events', name: 'demo' });
 * const { requestId } = await producer.send(Buffer.from('hello'));
 * ```
 * @module
 */
export { DanubeClient } from './client.js';
export { Producer, schemaReference } from './producer.js';
export type { ProducerOptions, SendOptions, ResolvedProducerSchema } from './producer.js';
export type { SendReceipt } from './partition-producer.js';
export { Consumer } from './consumer.js';
export type { ConsumerOptions, ReceivedMessage, NackOptions } from './consumer.js';
export { SchemaRegistryClient } from './schema-registry.js';
export type { SchemaTypeName } from './schema-type.js';
export type {
  SchemaTypeLike,
  VersionStrategy,
  CompatibilityMode,
  ValidationPolicy,
  SchemaInfo,
  RegisterSchemaRequest,
  RegisterSchemaResult,
  SchemaVersionSummary,
  CheckCompatibilityRequest,
  TopicSchemaConfig,
  SubjectSummary,
} from './schema-registry.js';
export { unwrapSchemaDefinition } from './schema-definition.js';
export type { TopicLookupResult } from './discovery.js';
export { DanubeConnectError, isDanubeConnectError } from '../errors.js';
export type { ErrorKind, ErrorContext, DanubeConnectErrorOptions } from '../errors.js';
export { DanubeError } from './errors.js';
export type { DanubeErrorOptions } from './errors.js';
export { fnv1a64, partitionForKey, partitionTopicName } from './routing.js';
export { parseServiceUrl } from './service-url.js';
export { tokenFromFile } from './token.js';
export type { TokenSupplier, TokenFileOptions } from './token.js';
export type { BrokerEndpoint } from './service-url.js';
export { DEFAULT_RETRY, CLIENT_DEFAULTS, resolveRetry } from './options.js';
export type {
  DanubeClientOptions,
  RetryOptions,
  RetryPolicy,
  ClientLogger,
  TlsOptions,
} from './options.js';
export { withRetry, isRetryableError } from './retry.js';
export type { RetryRun } from './retry.js';
export {
  danubeServices,
  danubePackageDefinition,
  PROTO_DIR,
  PROTO_LOADER_OPTIONS,
} from './proto.js';
export type { DanubeServices } from './proto.js';
export type * from './wire.js';
