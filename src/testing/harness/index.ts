/**
 * Unit-test helpers for connector authors: run a connector's transformation and routing
 * without a broker.
 * @module
 */
export { InMemorySender } from './in-memory-sender.js';
export type {
  InMemorySenderOptions,
  SentEnvelope,
  SentSelector,
  SentState,
} from './in-memory-sender.js';
export { PollHarness } from './poll-harness.js';
export type { HarnessSchema, PollHarnessOptions, PolledEnvelope } from './poll-harness.js';
export { testCoreConfig } from './core-config.js';
export { testConnectorContext } from './connector-context.js';
export type { TestConnectorContextOptions } from './connector-context.js';
export type { CoreConfig, CoreConfigInput } from './core-config.js';
