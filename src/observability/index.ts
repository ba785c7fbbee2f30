/**
 * Observability of the runtime: metrics, status, health endpoints and logs.
 * Internal to the package except where `src/index.ts` re-exports.
 * @module
 */
export { errorTypeOf } from './error-types.js';
export {
  BATCH_SIZE_BUCKETS,
  METRIC_PREFIX,
  PUBLISH_LATENCY_BUCKETS,
  RuntimeMetrics,
  type RuntimeMetricsOptions,
} from './metrics.js';
export {
  RuntimeState,
  type LastError,
  type ProducerStatus,
  type Readiness,
  type RecordCounters,
  type RuntimeMode,
  type RuntimePhase,
  type RuntimeStateOptions,
  type StatusSnapshot,
  type TopicStatus,
} from './state.js';
export { startHttpServer, type HttpServer, type HttpServerOptions } from './http-server.js';
export {
  createLogger,
  resolveLogFilter,
  type IgnoredLogFilter,
  type Logger,
  type LoggerOptions,
  type ResolvedLogFilter,
} from './logger.js';
