import { z } from 'zod';
import {
  SCHEMA_TYPE_NAMES,
  canonicalSchemaType,
  type SchemaTypeName,
} from '../client/schema-type.js';
import { parseLogFilter } from './log-filter.js';
import type {
  ConnectorConfig,
  DanubeSettings,
  OffsetsSettings,
  ProcessingSettings,
  RetrySettings,
  SchemaMapping,
} from './types.js';

/**
 * Zod schema of the core configuration: the single source of truth for its shape, defaults,
 * descriptions, environment overrides (`meta.env`) and secrets (`meta.secret`). The JSON
 * Schema for editors and `docs/configuration.md` are generated from it.
 */

/** `/namespace/name`: two segments of letters, digits, `_` and `-` (the broker's rule). */
export const TOPIC_PATTERN = /^\/[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+$/;

const TOPIC_MESSAGE = 'expected a Danube topic "/namespace/name" (letters, digits, "_", "-")';
const VERSION_STRATEGY_MESSAGE = 'expected "latest", { pinned = N } or { minimum = N }';
/** The schema types a `[[schemas]]` entry may declare: the registry's, but protobuf (not yet). */
const SCHEMA_TYPES = SCHEMA_TYPE_NAMES.filter(
  (name): name is Exclude<SchemaTypeName, 'protobuf'> => name !== 'protobuf',
);

const topic = (description: string) =>
  z.string().regex(TOPIC_PATTERN, { error: TOPIC_MESSAGE }).meta({ description });

/**
 * Largest `dead_letter_max_payload_bytes`: the broker's 4 MiB message limit less 64 KiB for
 * the attributes and the rest of the message.
 */
const DEAD_LETTER_PAYLOAD_LIMIT = 4 * 1024 * 1024 - 64 * 1024;

const int = (min: number, max: number | undefined, def: number, description: string) => {
  const base = z.int().min(min);
  return (max === undefined ? base : base.max(max)).default(def).meta({ description });
};

/** True for `http://host[:port]` and `https://host[:port]` (no path, query or credentials). */
export function isServiceUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '' &&
    (url.pathname === '/' || url.pathname === '') &&
    url.search === '' &&
    url.hash === ''
  );
}

/** `[processing]` table. */
const processingSchema = z
  .object({
    batch_size: int(
      1,
      undefined,
      1000,
      'Most records coalesced into one batch for commits and metrics.',
    ),
    batch_timeout_ms: int(
      0,
      undefined,
      1000,
      'Longest a partial batch waits before it is flushed (ms).',
    ),
    poll_interval_ms: int(
      0,
      undefined,
      100,
      'Pause between two poll() calls that returned nothing (ms).',
    ),
    metrics_port: int(
      0,
      65535,
      9090,
      'Port of the HTTP server with /metrics, /healthz, /readyz and /status (0 = any free port).',
    ),
    log_level: z
      .string()
      .check((ctx) => {
        try {
          parseLogFilter(ctx.value);
        } catch (error) {
          ctx.issues.push({
            code: 'custom',
            message: `expected a level or Rust env-filter directives: ${(error as Error).message}`,
            input: ctx.value,
          });
        }
      })
      .default('info')
      .meta({
        description:
          'Log level (trace, debug, info, warn, error, off), or Rust env-filter directives giving components their own level: "info,pipeline=debug". LOG_LEVEL, then RUST_LOG, override it.',
      }),
    health_check_interval_ms: int(
      1,
      undefined,
      30_000,
      "Interval between two calls of the connector's healthCheck() (ms).",
    ),
    health_check_failure_threshold: int(
      1,
      undefined,
      3,
      'Consecutive failed health checks before the connector is reported unhealthy.',
    ),
    max_inflight_per_partition: int(
      1,
      1024,
      1,
      'Sends in flight per Danube partition topic. 1 keeps order; more raises throughput but may reorder on retry and may duplicate.',
    ),
    buffer_size: int(
      1,
      undefined,
      1_000,
      'Envelopes accepted and not yet published (queued + in flight) before intake waits: poll() is not called and SourceSender.send() waits (back-pressure). Keep it above max_inflight_per_partition × partitions; larger absorbs longer bursts but holds more memory, queues longer under load and widens what is read again after a crash.',
    ),
    shutdown_timeout_ms: int(
      1,
      undefined,
      30_000,
      'Longest a graceful stop takes, counted from the stop request: a pending initialize(), draining in-flight records, the final commit and shutdown() (ms).',
    ),
    failure_policy: z.enum(['fail', 'skip', 'dead_letter']).default('fail').meta({
      description:
        'What happens to a record that finally failed to publish: stop the connector, skip it, or publish it to dead_letter_topic.',
    }),
    dead_letter_topic: topic(
      'Topic receiving records that finally failed; required when failure_policy = "dead_letter".',
    ).optional(),
    dead_letter_max_payload_bytes: int(
      0,
      DEAD_LETTER_PAYLOAD_LIMIT,
      1_048_576,
      "Largest payload sent to dead_letter_topic (bytes, below the broker's 4 MiB message limit, which the client cannot see): a longer one is cut to this size and marked with the dlq.truncated and dlq.original_size attributes, so an oversize record is dead-lettered instead of refused again.",
    ),
    dead_letter_fallback: z.enum(['fail', 'skip']).default('skip').meta({
      description:
        'What happens when dead_letter_topic refuses a record: skip it with an error log and the skipped metric (the connector keeps running, as Kafka Connect does), or stop the connector (the record is read again after a restart, and may be refused again). A dead-letter publish that times out always stops the connector.',
    }),
  })
  .meta({ description: 'Batching, polling, concurrency, observability and failure handling.' });

/** `[retry]` table. */
const retrySchema = z
  .object({
    max_retries: int(
      0,
      100,
      3,
      'Retries of a failed commit() before the runtime stops (at most 100). Retryable poll() and stream failures are not counted: they are retried until source_retry_timeout_ms, without limit by default.',
    ),
    retry_backoff_ms: int(
      0,
      undefined,
      1000,
      'First backoff delay; doubled (with jitter) on every retry (ms).',
    ),
    max_backoff_ms: int(0, undefined, 30_000, 'Largest backoff delay (ms).'),
    publish_timeout_ms: int(
      1,
      undefined,
      120_000,
      'How long a record may keep being retried before its publish finally fails, like Kafka delivery.timeout.ms (ms).',
    ),
    source_retry_timeout_ms: z.int().min(1).optional().meta({
      description:
        'How long the source may keep failing retryably (poll() errors, a stream task rejecting with a retryable error) before the runtime stops with an error (exit code 1), counted from the first failure of the outage (ms). Unset: retried without limit while /readyz answers 503.',
    }),
  })
  .meta({
    description:
      'Retry bounds: source (poll / stream) retries without limit or by time, commit retries by count, publish retries by time.',
  });

/** A registry version number: an integer from 1. */
function isVersion(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/**
 * `version_strategy` of a `[[schemas]]` entry. Every bad value gets the one message below, so
 * the numbers are checked by a refinement of the union (the JSON Schema still says integer ≥ 1).
 */
const versionStrategySchema = z
  .union(
    [
      z.literal('latest'),
      z.strictObject({ pinned: z.number().meta({ type: 'integer', minimum: 1 }) }),
      z.strictObject({ minimum: z.number().meta({ type: 'integer', minimum: 1 }) }),
    ],
    { error: VERSION_STRATEGY_MESSAGE },
  )
  .refine(
    (strategy) =>
      strategy === 'latest' || isVersion('pinned' in strategy ? strategy.pinned : strategy.minimum),
    { error: VERSION_STRATEGY_MESSAGE },
  )
  .default('latest')
  .meta({
    description:
      'Registry version used: "latest", { pinned = N } (exactly N) or { minimum = N } (newest, at least N).',
  });

/**
 * `schema_type`: the five supported types plus the Rust ecosystem's alias `"json"`, compared
 * case-insensitively as the Rust runtime did.
 */
const schemaTypeSchema = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(
    z.enum([...SCHEMA_TYPES, 'json'], {
      error: (issue) =>
        issue.input === 'protobuf'
          ? 'schema type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)'
          : undefined,
    }),
  )
  .transform((value): SchemaTypeName => canonicalSchemaType(value))
  // The JSON Schema of a pipe is its input (a string): list the accepted names for editors.
  .meta({
    description:
      'One of json_schema, avro, string, bytes, number ("json" is accepted as json_schema).',
    enum: [...SCHEMA_TYPES, 'json'],
  });

/** One `[[schemas]]` entry. */
const schemaMappingSchema = z.object({
  topic: topic('Danube topic the schema applies to.'),
  subject: z.string().min(1).meta({ description: 'Subject of the schema in the registry.' }),
  schema_type: schemaTypeSchema,
  schema_file: z
    .string()
    // The Rust samples write `schema_file = ""` for string, bytes and number.
    .transform((value) => (value === '' ? undefined : value))
    .optional()
    .meta({
      description:
        'Schema definition file, relative to the configuration file. Required for json_schema and avro; empty or absent for string, bytes and number.',
    }),
  auto_register: z.boolean().default(true).meta({
    description:
      'Register schema_file under subject at start-up (an identical definition is not a new version). Defaults to true, as in the Rust runtime; set false in production to only use what an admin registered.',
  }),
  version_strategy: versionStrategySchema,
  wire_format: z.enum(['default', 'binary']).default('default').meta({
    description:
      "default: what Rust sinks and danube-cli read (JSON, UTF-8, number text); binary: what the broker's payload validation accepts (Avro container, 8-byte big-endian numbers).",
  }),
});

/** `[danube]` table (ours; the Rust runtime had no equivalent). */
const danubeSchema = z
  .object({
    token: z.string().min(1).optional().meta({
      description:
        'JWT sent as "authorization: Bearer <token>" (https only). Prefer the environment variable.',
      env: 'DANUBE_TOKEN',
      secret: true,
    }),
    token_file: z.string().min(1).optional().meta({
      description:
        'File holding the JWT, relative to the configuration file; read again whenever it changes (Kubernetes projected service-account tokens). Instead of token (https only).',
    }),
    tls_ca_file: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PEM file of the CA that signed the broker certificate (https).' }),
    tls_cert_file: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PEM client certificate for mutual TLS (with tls_key_file).' }),
    tls_key_file: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'PEM private key of the client certificate (with tls_cert_file).' }),
    connect_timeout_ms: int(
      1,
      undefined,
      10_000,
      'Longest wait for a connection to the broker (ms).',
    ),
    request_timeout_ms: int(
      1,
      undefined,
      10_000,
      'Deadline of every unary call to the broker (ms).',
    ),
  })
  .meta({ description: 'Connection to the Danube broker: token, TLS files and timeouts.' });

/** A SQL identifier, optionally schema-qualified (`danube_connect_offsets`, `ops.offsets`). */
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;

/** `[offsets]` table (ours): where the runtime keeps committed offsets, and scale-out. */
const offsetsSchema = z
  .object({
    store: z.enum(['none', 'file', 'postgres']).default('none').meta({
      description:
        'Where the runtime keeps the committed offsets it gives back at start: none (nothing kept; the connector resumes by itself, if at all), file (a local folder) or postgres (a table).',
    }),
    path: z.string().min(1).optional().meta({
      description:
        'store = "file": folder of the offsets and lock files, relative to the configuration file\'s folder; created when missing. Must outlive the process (a volume, not a container\'s own disk).',
    }),
    connection: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { error: 'expected a postgres:// or postgresql:// URL' })
      .optional()
      .meta({
        description:
          'store = "postgres": connection URL, e.g. "postgres://app@db:5432/shop"; PGPASSWORD and the other libpq variables fill in what it leaves out. Needs the pg package.',
        secret: true,
        label: 'URL (`postgres://…`)',
      }),
    table: z
      .string()
      .regex(SQL_IDENTIFIER, { error: 'expected a SQL identifier such as offsets or ops.offsets' })
      .default('danube_connect_offsets')
      .meta({
        label: 'SQL name (`table` or `schema.table`)',
        description:
          'store = "postgres": table of the offsets (its lock rows go to <table>_locks); both are created when missing.',
      }),
    lock_lease_ms: int(
      100,
      undefined,
      10_000,
      'The store lock is a lease renewed every third of this (ms). A holder that stopped renewing for this long is dead and its lock is taken over; a restart waits at most this long for the lock of a process it cannot check directly.',
    ),
    instance_index: z.int().min(0).default(0).meta({
      description:
        "This instance's index among instance_count instances of the connector (0-based; e.g. a StatefulSet ordinal). Offsets and their lock are kept per (connector_name, instance_index).",
      env: 'CONNECTOR_INSTANCE_INDEX',
    }),
    instance_count: z.int().min(1).default(1).meta({
      description:
        'How many instances split the source; given to the connector with instance_index.',
      env: 'CONNECTOR_INSTANCE_COUNT',
    }),
  })
  .meta({
    description:
      "Offsets kept by the runtime: the store, its lock, and this instance's share of the source.",
  });

/**
 * Shape of the core keys at the root of the file. Kept as a plain shape (no refinements) so
 * it can be combined with a connector's settings for the JSON Schema.
 */
export const coreShape = {
  danube_service_url: z
    .string()
    .refine(isServiceUrl, {
      error: 'expected an http:// or https:// URL such as "http://localhost:6650"',
    })
    .meta({ description: 'Danube broker service URL.', env: 'DANUBE_SERVICE_URL', format: 'uri' }),
  connector_name: z.string().min(1).meta({
    description: 'Unique name of this connector instance (producer names, metrics labels).',
    env: 'CONNECTOR_NAME',
  }),
  processing: processingSchema.prefault({}),
  retry: retrySchema.prefault({}),
  schemas: z
    .array(schemaMappingSchema)
    .default([])
    .meta({ description: 'Registry schema per Danube topic.' }),
  danube: danubeSchema.prefault({}),
  offsets: offsetsSchema.prefault({}),
};

/** Zod schema of the core keys (connector keys at the root are stripped by it). */
export const coreConfigSchema = z.object(coreShape);

/** Names of the root keys the core owns; every other root key belongs to the connector. */
export const CORE_KEYS: readonly string[] = Object.keys(coreShape);

/** Output of {@link coreConfigSchema}, before `config_dir` and `secrets` are attached. */
export type CoreConfigOutput = z.output<typeof coreConfigSchema>;

// Compile-time checks: the schema's output fits the hand-written interfaces (and back).
type Assert<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type _CoreMatches = Assert<Same<CoreConfigOutput, Omit<ConnectorConfig, 'config_dir' | 'secrets'>>>;
type _ProcessingMatches = Assert<Same<CoreConfigOutput['processing'], ProcessingSettings>>;
type _RetryMatches = Assert<Same<CoreConfigOutput['retry'], RetrySettings>>;
type _DanubeMatches = Assert<Same<CoreConfigOutput['danube'], DanubeSettings>>;
type _OffsetsMatches = Assert<Same<CoreConfigOutput['offsets'], OffsetsSettings>>;
type _SchemaMatches = Assert<Same<CoreConfigOutput['schemas'][number], SchemaMapping>>;
