/**
 * danube-connect-core: write Danube source connectors in TypeScript. The connector author
 * implements {@link SourceConnector}; {@link SourceRuntime} does everything Danube-side.
 *
 * @example
 * ```ts
 * import { SourceConnector, SourceRecord, defineConnector } from 'danube-connect-core';
 * ```
 */
export * from './connector/index.js';
export type { JsonValue, RecordPayload } from './schema/payload.js';
export type { ConnectorConfig, ResolvedSchema } from './connector/pending-types.js';
