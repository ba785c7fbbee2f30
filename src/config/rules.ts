import { canonicalSchemaType } from '../client/schema-type.js';
import type { ConfigProblem } from './errors.js';
import { isTable } from './zod-walk.js';

/** Problems that involve more than one key, split by severity. */
export interface RuleFindings {
  readonly errors: ConfigProblem[];
  readonly warnings: ConfigProblem[];
}

const FILE_TYPES = new Set(['json_schema', 'json', 'avro']);
const TLS_FILES = ['tls_ca_file', 'tls_cert_file', 'tls_key_file'] as const;

/**
 * Cross-key rules of the core configuration. They read the raw (parsed TOML) values and skip
 * whatever has the wrong type, so they add to, and never repeat, the schema's own problems.
 */
export function checkCoreRules(core: Readonly<Record<string, unknown>>): RuleFindings {
  const errors: ConfigProblem[] = [];
  const warnings: ConfigProblem[] = [];

  const processing = core.processing;
  if (isTable(processing)) {
    const policy = processing.failure_policy;
    const deadLetter = processing.dead_letter_topic;
    const hasDeadLetter = deadLetter !== undefined && deadLetter !== '';
    if (policy === 'dead_letter' && !hasDeadLetter) {
      errors.push({
        path: 'processing.dead_letter_topic',
        message: 'required when failure_policy = "dead_letter"',
      });
    } else if (
      hasDeadLetter &&
      policy !== 'dead_letter' &&
      (policy === undefined || typeof policy === 'string')
    ) {
      warnings.push({
        path: 'processing.dead_letter_topic',
        message: 'ignored unless failure_policy = "dead_letter"',
      });
    }
  }

  const schemas = core.schemas;
  if (Array.isArray(schemas)) {
    const seen = new Map<string, number>();
    schemas.forEach((entry: unknown, index) => {
      if (!isTable(entry)) return;
      const type =
        typeof entry.schema_type === 'string' ? entry.schema_type.toLowerCase() : undefined;
      const file = entry.schema_file;
      if (type !== undefined && FILE_TYPES.has(type) && (file === undefined || file === '')) {
        const canonical = canonicalSchemaType(type);
        errors.push({
          path: `schemas[${index}].schema_file`,
          message: `required for schema_type "${canonical}"`,
        });
      }
      const topic = entry.topic;
      if (typeof topic !== 'string') return;
      const first = seen.get(topic);
      if (first === undefined) {
        seen.set(topic, index);
      } else {
        errors.push({
          path: `schemas[${index}].topic`,
          message: `duplicate topic "${topic}" (already used by schemas[${first}])`,
        });
      }
    });
  }

  const danube = core.danube;
  if (isTable(danube)) {
    const cert = danube.tls_cert_file !== undefined;
    const key = danube.tls_key_file !== undefined;
    if (cert !== key) {
      errors.push({
        path: cert ? 'danube.tls_key_file' : 'danube.tls_cert_file',
        message: `required with ${cert ? 'tls_cert_file' : 'tls_key_file'} (a client certificate needs both)`,
      });
    }
    if (danube.token !== undefined && danube.token_file !== undefined) {
      errors.push({
        path: 'danube.token_file',
        message: 'give either token (DANUBE_TOKEN) or token_file, not both',
      });
    }
    const url = core.danube_service_url;
    if (typeof url === 'string' && url.toLowerCase().startsWith('http://')) {
      for (const name of ['token', 'token_file', ...TLS_FILES] as const) {
        if (danube[name] === undefined) continue;
        const what = name.startsWith('token')
          ? 'a token is only sent over TLS'
          : 'TLS files need TLS';
        errors.push({
          path: `danube.${name}`,
          message: `needs an https:// danube_service_url (${what}); the URL is ${url}`,
        });
      }
    }
  }

  const offsets = core.offsets;
  if (isTable(offsets)) checkOffsetsRules(offsets, errors, warnings);

  return { errors, warnings };
}

/** What each offsets store needs, and the keys it ignores. */
const STORE_KEYS: Readonly<Record<string, string>> = { file: 'path', postgres: 'connection' };

function checkOffsetsRules(
  offsets: Readonly<Record<string, unknown>>,
  errors: ConfigProblem[],
  warnings: ConfigProblem[],
): void {
  const store = offsets.store ?? 'none';
  if (typeof store !== 'string') return;
  for (const [kind, key] of Object.entries(STORE_KEYS)) {
    const given = offsets[key] !== undefined && offsets[key] !== '';
    if (store === kind && !given) {
      errors.push({ path: `offsets.${key}`, message: `required when store = "${kind}"` });
    } else if (store !== kind && given) {
      warnings.push({ path: `offsets.${key}`, message: `ignored unless store = "${kind}"` });
    }
  }
  const { instance_index: index, instance_count: count } = offsets;
  if (typeof index === 'number' && index >= (typeof count === 'number' ? count : 1)) {
    errors.push({
      path: 'offsets.instance_index',
      message: `must be less than instance_count (${typeof count === 'number' ? count : 1}): instances are numbered from 0 (CONNECTOR_INSTANCE_INDEX and CONNECTOR_INSTANCE_COUNT set them too)`,
    });
  }
}
