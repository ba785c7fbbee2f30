/**
 * The author-facing connector API: records, offsets, envelopes, errors, the
 * `SourceConnector` base class, the streaming sender types, `defineConnector`, and the
 * routing / buffering helpers the guide's patterns need.
 */
export { ConnectorError, RuntimeStoppingError } from './errors.js';
export type { ConnectorErrorKind } from './errors.js';
export { Offset } from './offset.js';
export type { ConnectorContext, ConnectorInstance } from './context.js';
export type { OffsetValue } from './offset.js';
export { SourceRecord } from './record.js';
export { SourceEnvelope, toEnvelope } from './envelope.js';
export type { Envelopeish } from './envelope.js';
export { validateProducerConfigs } from './producer-config.js';
export type { ProducerConfig } from './producer-config.js';
export type { SourceSender, SourceSendOptions, DeliveryReceipt, DeliveryResult } from './sender.js';
export { SourceConnector } from './source-connector.js';
export type { SourceMode } from './source-connector.js';
export { defineConnector, isConnectorModule } from './define-connector.js';
export type { ConnectorModule } from './define-connector.js';
export { TopicRouter } from './topic-router.js';
export type { PatternSyntax, RouteEntry, RouteMatch, TopicRouterOptions } from './topic-router.js';
export { BufferedPollBridge } from './buffered-poll-bridge.js';
export type { BufferedPollBridgeOptions } from './buffered-poll-bridge.js';
