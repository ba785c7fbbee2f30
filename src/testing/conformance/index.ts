/**
 * The conformance kit: checks a connector written by a user against the embedded broker.
 * @module
 */
export { checkConnectorConformance } from './check.js';
export type { ConformanceOptions, ConformanceTimeouts, EmitContext } from './options.js';
export { ConformanceError, CONFORMANCE_PROPERTIES, formatConformanceReport } from './errors.js';
export type {
  ConformanceProperty,
  ConformanceReport,
  PropertyResult,
  RoundReport,
} from './errors.js';
