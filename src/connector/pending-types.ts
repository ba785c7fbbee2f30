/*
 * Kept for modules that imported the placeholder shapes before src/config and src/schema
 * landed; the real types are re-exported. New code imports from those folders.
 */
export type { ConnectorConfig } from '../config/types.js';
export type { ResolvedSchema } from '../schema/types.js';
