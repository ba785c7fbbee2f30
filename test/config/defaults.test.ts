import { describe, expect, it } from 'vitest';
import { BASE, TLS_BASE, parse } from './helpers.js';

describe('core configuration defaults', () => {
  const { config, warnings } = parse(BASE);
  const core = config.core;

  it('needs nothing but danube_service_url and connector_name', () => {
    expect(core.danube_service_url).toBe('http://localhost:6650');
    expect(core.connector_name).toBe('test-source');
    expect(warnings).toEqual([]);
  });

  it.each([
    ['batch_size', 1000],
    ['batch_timeout_ms', 1000],
    ['poll_interval_ms', 100],
    ['metrics_port', 9090],
    ['log_level', 'info'],
    ['health_check_interval_ms', 30_000],
    ['health_check_failure_threshold', 3],
    ['max_inflight_per_partition', 1],
    ['buffer_size', 1_000],
    ['shutdown_timeout_ms', 30_000],
    ['failure_policy', 'fail'],
    ['dead_letter_max_payload_bytes', 1_048_576],
    ['dead_letter_fallback', 'skip'],
  ] as const)('processing.%s defaults to %j', (key, value) => {
    expect(core.processing[key]).toBe(value);
  });

  it('processing.dead_letter_topic is unset by default', () => {
    expect(core.processing.dead_letter_topic).toBeUndefined();
    expect('dead_letter_topic' in core.processing).toBe(false);
  });

  it.each([
    ['max_retries', 3],
    ['retry_backoff_ms', 1000],
    ['max_backoff_ms', 30_000],
    ['publish_timeout_ms', 120_000],
  ] as const)('retry.%s defaults to %j', (key, value) => {
    expect(core.retry[key]).toBe(value);
  });

  it('retry.source_retry_timeout_ms is unset by default (a failing source is retried without limit)', () => {
    expect('source_retry_timeout_ms' in core.retry).toBe(false);
  });

  it('danube table defaults: no token, no TLS files, 10 s timeouts', () => {
    expect(core.danube).toEqual({ connect_timeout_ms: 10_000, request_timeout_ms: 10_000 });
  });

  it('schemas default to an empty list', () => {
    expect(core.schemas).toEqual([]);
  });

  it('config_dir defaults to the working directory when parsing text', () => {
    expect(core.config_dir).toBe(process.cwd());
  });

  it('a [[schemas]] entry defaults auto_register, version_strategy and wire_format', () => {
    const { config } = parse(
      `${BASE}[[schemas]]\ntopic = "/iot/logs"\nsubject = "logs"\nschema_type = "string"\n`,
    );
    expect(config.core.schemas).toEqual([
      {
        topic: '/iot/logs',
        subject: 'logs',
        schema_type: 'string',
        auto_register: true,
        version_strategy: 'latest',
        wire_format: 'default',
      },
    ]);
  });

  it('a table given partially keeps the defaults of the keys it leaves out', () => {
    const { config } = parse(`${BASE}[processing]\nbatch_size = 50\n[retry]\nmax_retries = 7\n`);
    expect(config.core.processing.batch_size).toBe(50);
    expect(config.core.processing.batch_timeout_ms).toBe(1000);
    expect(config.core.retry.max_retries).toBe(7);
    expect(config.core.retry.publish_timeout_ms).toBe(120_000);
  });

  it('every key can be set', () => {
    const { config, warnings } = parse(`${TLS_BASE}
[processing]
batch_size = 10
batch_timeout_ms = 20
poll_interval_ms = 0
metrics_port = 0
log_level = "debug"
health_check_interval_ms = 5000
health_check_failure_threshold = 5
max_inflight_per_partition = 1024
buffer_size = 1
shutdown_timeout_ms = 1
failure_policy = "dead_letter"
dead_letter_topic = "/default/dlq"
dead_letter_max_payload_bytes = 0
dead_letter_fallback = "fail"

[retry]
max_retries = 100
retry_backoff_ms = 0
max_backoff_ms = 0
publish_timeout_ms = 1
source_retry_timeout_ms = 600000

[danube]
token = "jwt"
tls_ca_file = "ca.pem"
tls_cert_file = "cert.pem"
tls_key_file = "key.pem"
connect_timeout_ms = 1
request_timeout_ms = 2

[[schemas]]
topic = "/iot/sensors"
subject = "sensors"
schema_type = "avro"
schema_file = "sensor.avsc"
auto_register = true
version_strategy = { minimum = 2 }
wire_format = "binary"
`);
    expect(warnings).toEqual([]);
    expect(config.core.processing).toEqual({
      batch_size: 10,
      batch_timeout_ms: 20,
      poll_interval_ms: 0,
      metrics_port: 0,
      log_level: 'debug',
      health_check_interval_ms: 5000,
      health_check_failure_threshold: 5,
      max_inflight_per_partition: 1024,
      buffer_size: 1,
      shutdown_timeout_ms: 1,
      failure_policy: 'dead_letter',
      dead_letter_topic: '/default/dlq',
      dead_letter_max_payload_bytes: 0,
      dead_letter_fallback: 'fail',
    });
    expect(config.core.retry).toEqual({
      max_retries: 100,
      retry_backoff_ms: 0,
      max_backoff_ms: 0,
      publish_timeout_ms: 1,
      source_retry_timeout_ms: 600_000,
    });
    expect(config.core.danube).toEqual({
      token: 'jwt',
      tls_ca_file: 'ca.pem',
      tls_cert_file: 'cert.pem',
      tls_key_file: 'key.pem',
      connect_timeout_ms: 1,
      request_timeout_ms: 2,
    });
    expect(config.core.schemas[0]).toEqual({
      topic: '/iot/sensors',
      subject: 'sensors',
      schema_type: 'avro',
      schema_file: 'sensor.avsc',
      auto_register: true,
      version_strategy: { minimum: 2 },
      wire_format: 'binary',
    });
  });
});

describe('[[schemas]] values', () => {
  const entry = (lines: string) =>
    parse(`${BASE}[[schemas]]\ntopic = "/iot/x"\nsubject = "x"\n${lines}\n`).config.core.schemas[0];

  it('accepts schema_type = "json" as json_schema', () => {
    expect(entry('schema_type = "json"\nschema_file = "x.json"')?.schema_type).toBe('json_schema');
  });

  it('compares schema_type case-insensitively, as the Rust runtime did', () => {
    expect(entry('schema_type = "JSON_Schema"\nschema_file = "x.json"')?.schema_type).toBe(
      'json_schema',
    );
  });

  it.each(['string', 'bytes', 'number'])('%s needs no schema_file, and "" means none', (type) => {
    expect(entry(`schema_type = "${type}"`)?.schema_file).toBeUndefined();
    expect(entry(`schema_type = "${type}"\nschema_file = ""`)?.schema_file).toBeUndefined();
  });

  it.each([
    ['"latest"', 'latest'],
    ['{ pinned = 2 }', { pinned: 2 }],
    ['{ minimum = 1 }', { minimum: 1 }],
  ])('version_strategy = %s', (toml, value) => {
    expect(entry(`schema_type = "string"\nversion_strategy = ${toml}`)?.version_strategy).toEqual(
      value,
    );
  });

  it('keeps schema_file as written (resolution belongs to the schema layer)', () => {
    expect(entry('schema_type = "avro"\nschema_file = "../schemas/x.avsc"')?.schema_file).toBe(
      '../schemas/x.avsc',
    );
  });
});
