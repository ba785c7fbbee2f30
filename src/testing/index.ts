/**
 * `danube-connect-core/testing`: an embedded, Danube-compatible broker for tests and
 * local development, with inspection and fault injection.
 * @module
 */
export { startBroker, EmbeddedBroker } from './broker/server.js';
export { startBrokerProcess } from './broker/broker-process.js';
export type { BrokerProcess } from './broker/broker-process.js';
export type { BrokerProcessOptions } from './broker/process-protocol.js';
export { runDevBroker } from './broker/dev-broker.js';
export type { DevBrokerOptions } from './broker/dev-broker.js';
export type {
  BrokerCallEvent,
  BrokerEvents,
  BrokerFaults,
  BrokerMethod,
  BrokerOptions,
  BrokerStats,
  BrokerTlsOptions,
  ConsumerEvent,
  ProducerInfo,
  StoredMessage,
  SubscriptionInfo,
} from './broker/types.js';
export {
  checkConnectorConformance,
  ConformanceError,
  CONFORMANCE_PROPERTIES,
  formatConformanceReport,
} from './conformance/index.js';
export type {
  ConformanceOptions,
  ConformanceProperty,
  ConformanceReport,
  ConformanceTimeouts,
  EmitContext,
  PropertyResult,
  RoundReport,
} from './conformance/index.js';
export {
  InMemorySender,
  PollHarness,
  testConnectorContext,
  testCoreConfig,
} from './harness/index.js';
export type {
  CoreConfig,
  CoreConfigInput,
  HarnessSchema,
  InMemorySenderOptions,
  PollHarnessOptions,
  PolledEnvelope,
  SentEnvelope,
  SentSelector,
  SentState,
  TestConnectorContextOptions,
} from './harness/index.js';
