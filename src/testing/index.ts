/**
 * `danube-connect-core/testing`: an embedded, Danube-compatible broker for tests and
 * local development, with inspection and fault injection.
 * @module
 */
export { startBroker, EmbeddedBroker } from './broker/server.js';
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
