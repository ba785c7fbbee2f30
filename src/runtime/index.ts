/**
 * The runtime: drives a `SourceConnector` and does everything Danube-side. The data path,
 * in order: intake (`poll-loop`, `stream-driver`) → `bounded-buffer` (backpressure) →
 * `publish-pipeline` (route, serialize once) → `partition-lanes` (order per partition) →
 * `publisher` (send, retries) → `failure-policy` → `offset-tracker` → `commit-scheduler` →
 * `persisted-offsets` (the `[offsets]` store, `offsets/`) and the connector's `commit()`.
 */
export { SourceRuntime } from './source-runtime.js';
export type { SourceRuntimeOptions, RunOptions, RuntimeStats } from './source-runtime.js';
export { runConnector } from './run-connector.js';
export type { RunConnectorOptions } from './run-connector.js';
export { realClock, ManualClock, sleep } from './clock.js';
export type { Clock, TimerHandle } from './clock.js';
export { producerName, connectDanube } from './startup.js';
export type { ClientFactory, RuntimeClient } from './startup.js';
export type { PublishProducer } from './publisher.js';
export { PublishTimeoutError } from './errors.js';
export { FORCED_EXIT_CODES } from './signals.js';
