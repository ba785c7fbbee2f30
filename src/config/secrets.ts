import type { ConnectorConfig } from './types.js';
import {
  type AnySchema,
  arrayElement,
  isTable,
  objectInfo,
  unionOptions,
  unwrapField,
} from './zod-walk.js';

function collectFromValue(schema: AnySchema, value: unknown, out: Set<string>): void {
  const { base } = unwrapField(schema);
  const object = objectInfo(base);
  if (object !== undefined) {
    if (isTable(value)) collectFromTable(object.shape, value, out);
    return;
  }
  const element = arrayElement(base);
  if (element !== undefined) {
    if (Array.isArray(value)) for (const item of value) collectFromValue(element, item, out);
    return;
  }
  for (const option of unionOptions(base) ?? []) collectFromValue(option, value, out);
}

function collectFromTable(
  shape: Readonly<Record<string, AnySchema>>,
  table: Readonly<Record<string, unknown>>,
  out: Set<string>,
): void {
  for (const [key, schema] of Object.entries(shape)) {
    const value = table[key];
    if (value === undefined || value === null) continue;
    if (unwrapField(schema).meta.secret === true) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
        const text = String(value);
        if (text !== '') out.add(text);
      }
      continue;
    }
    collectFromValue(schema, value, out);
  }
}

/**
 * Values of every field marked `.meta({ secret: true })` in `shape`, found in `table`
 * (nested tables, arrays of tables and union members included).
 */
export function collectSecrets(
  shape: Readonly<Record<string, AnySchema>>,
  table: Readonly<Record<string, unknown>>,
): string[] {
  const out = new Set<string>();
  collectFromTable(shape, table, out);
  return [...out];
}

/**
 * Every secret value of a loaded configuration (the Danube token and the connector's
 * declared secrets), for redaction in logs: `createLogger({ secrets: configSecrets(config) })`.
 */
export function configSecrets(config: { core: ConnectorConfig } | ConnectorConfig): string[] {
  const core = 'core' in config ? config.core : config;
  return [...core.secrets];
}
