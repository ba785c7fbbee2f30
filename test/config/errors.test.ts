import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/config/index.js';
import { BASE, TLS_BASE, configError, errorLines } from './helpers.js';

const URL_MESSAGE = 'expected an http:// or https:// URL such as "http://localhost:6650"';
const TOPIC_MESSAGE = 'expected a Danube topic "/namespace/name" (letters, digits, "_", "-")';
const VERSION_MESSAGE = 'expected "latest", { pinned = N } or { minimum = N }';
const schemaEntry = (lines: string) =>
  `${BASE}[[schemas]]\ntopic = "/iot/sensors"\nsubject = "sensors"\n${lines}\n`;

const mqttSettings = z.object({
  mqtt: z.object({
    broker_host: z.string(),
    broker_port: z.int().min(1).max(65535).default(1883),
    routes: z.array(z.object({ from: z.string(), to: z.string() })).min(1),
  }),
});

describe('bad configurations: one exact message each', () => {
  it.each<[string, string, string]>([
    [
      'wrong type (string for integer)',
      `${BASE}[processing]\nbatch_size = "100"`,
      'processing.batch_size: expected integer, got string',
    ],
    [
      'float for integer',
      `${BASE}[processing]\nbatch_size = 1.5`,
      'processing.batch_size: expected integer, got float',
    ],
    [
      'missing danube_service_url',
      'connector_name = "x"',
      'danube_service_url: required key missing',
    ],
    [
      'missing connector_name',
      'danube_service_url = "http://localhost:6650"',
      'connector_name: required key missing',
    ],
    [
      'empty connector_name',
      'danube_service_url = "http://localhost:6650"\nconnector_name = ""',
      'connector_name: must not be empty',
    ],
    [
      'URL without scheme',
      'danube_service_url = "localhost:6650"\nconnector_name = "x"',
      `danube_service_url: ${URL_MESSAGE}`,
    ],
    [
      'URL with another scheme',
      'danube_service_url = "grpc://localhost:6650"\nconnector_name = "x"',
      `danube_service_url: ${URL_MESSAGE}`,
    ],
    [
      'URL with a path',
      'danube_service_url = "http://localhost:6650/api"\nconnector_name = "x"',
      `danube_service_url: ${URL_MESSAGE}`,
    ],
    [
      'URL of the wrong type',
      'danube_service_url = 6650\nconnector_name = "x"',
      'danube_service_url: expected string, got integer',
    ],
    [
      'version strategy unknown word',
      schemaEntry('schema_type = "string"\nversion_strategy = "newest"'),
      `schemas[0].version_strategy: ${VERSION_MESSAGE}`,
    ],
    [
      'version strategy pinned as text',
      schemaEntry('schema_type = "string"\nversion_strategy = { pinned = "2" }'),
      `schemas[0].version_strategy: ${VERSION_MESSAGE}`,
    ],
    [
      'version strategy pinned 0',
      schemaEntry('schema_type = "string"\nversion_strategy = { pinned = 0 }'),
      `schemas[0].version_strategy: ${VERSION_MESSAGE}`,
    ],
    [
      'version strategy minimum as float',
      schemaEntry('schema_type = "string"\nversion_strategy = { minimum = 1.5 }'),
      `schemas[0].version_strategy: ${VERSION_MESSAGE}`,
    ],
    [
      'version strategy with two keys',
      schemaEntry('schema_type = "string"\nversion_strategy = { pinned = 2, minimum = 1 }'),
      `schemas[0].version_strategy: ${VERSION_MESSAGE}`,
    ],
    [
      'json_schema without schema_file',
      schemaEntry('schema_type = "json_schema"'),
      'schemas[0].schema_file: required for schema_type "json_schema"',
    ],
    [
      'json alias without schema_file',
      schemaEntry('schema_type = "json"'),
      'schemas[0].schema_file: required for schema_type "json_schema"',
    ],
    [
      'avro with empty schema_file',
      schemaEntry('schema_type = "avro"\nschema_file = ""'),
      'schemas[0].schema_file: required for schema_type "avro"',
    ],
    [
      'protobuf',
      schemaEntry('schema_type = "protobuf"\nschema_file = "x.proto"'),
      'schemas[0].schema_type: schema type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)',
    ],
    [
      'unknown schema type',
      schemaEntry('schema_type = "xml"'),
      'schemas[0].schema_type: expected one of "json_schema", "avro", "string", "bytes", "number", "json"',
    ],
    ['missing schema_type', schemaEntry(''), 'schemas[0].schema_type: required key missing'],
    [
      'missing subject',
      `${BASE}[[schemas]]\ntopic = "/iot/a"\nschema_type = "string"`,
      'schemas[0].subject: required key missing',
    ],
    [
      'topic without namespace',
      `${BASE}[[schemas]]\ntopic = "sensors"\nsubject = "s"\nschema_type = "string"`,
      `schemas[0].topic: ${TOPIC_MESSAGE}`,
    ],
    [
      'topic with three segments',
      `${BASE}[[schemas]]\ntopic = "/iot/sensors/zone1"\nsubject = "s"\nschema_type = "string"`,
      `schemas[0].topic: ${TOPIC_MESSAGE}`,
    ],
    [
      'auto_register as text',
      schemaEntry('schema_type = "string"\nauto_register = "yes"'),
      'schemas[0].auto_register: expected boolean, got string',
    ],
    [
      'unknown wire format',
      schemaEntry('schema_type = "string"\nwire_format = "avro"'),
      'schemas[0].wire_format: expected one of "default", "binary"',
    ],
    [
      'schemas as a table',
      `${BASE}[schemas]\ntopic = "/iot/a"`,
      'schemas: expected array, got table',
    ],
    ['processing as a value', `${BASE}processing = 5`, 'processing: expected table, got integer'],
    [
      'max_retries above 100',
      `${BASE}[retry]\nmax_retries = 101`,
      'retry.max_retries: must be at most 100',
    ],
    [
      'negative backoff',
      `${BASE}[retry]\nretry_backoff_ms = -1`,
      'retry.retry_backoff_ms: must be at least 0',
    ],
    [
      'max_inflight_per_partition 0',
      `${BASE}[processing]\nmax_inflight_per_partition = 0`,
      'processing.max_inflight_per_partition: must be at least 1',
    ],
    [
      'max_inflight_per_partition above 1024',
      `${BASE}[processing]\nmax_inflight_per_partition = 2048`,
      'processing.max_inflight_per_partition: must be at most 1024',
    ],
    [
      'batch_size 0',
      `${BASE}[processing]\nbatch_size = 0`,
      'processing.batch_size: must be at least 1',
    ],
    [
      'metrics port out of range',
      `${BASE}[processing]\nmetrics_port = 70000`,
      'processing.metrics_port: must be at most 65535',
    ],
    [
      'unknown log level',
      `${BASE}[processing]\nlog_level = "verbose"`,
      'processing.log_level: expected a level or Rust env-filter directives: "verbose" is not a level (trace, debug, info, warn, error, off); for a target write verbose=trace',
    ],
    [
      'bad log filter directive',
      `${BASE}[processing]\nlog_level = "info,poller=chatty"`,
      'processing.log_level: expected a level or Rust env-filter directives: "poller=chatty": "chatty" is not a level (trace, debug, info, warn, error, off)',
    ],
    [
      'unknown failure policy',
      `${BASE}[processing]\nfailure_policy = "retry"`,
      'processing.failure_policy: expected one of "fail", "skip", "dead_letter"',
    ],
    [
      'dead_letter without topic',
      `${BASE}[processing]\nfailure_policy = "dead_letter"`,
      'processing.dead_letter_topic: required when failure_policy = "dead_letter"',
    ],
    [
      'bad dead-letter topic',
      `${BASE}[processing]\nfailure_policy = "dead_letter"\ndead_letter_topic = "dlq"`,
      `processing.dead_letter_topic: ${TOPIC_MESSAGE}`,
    ],
    [
      'dead-letter payload limit at 4 MiB',
      `${BASE}[processing]\ndead_letter_max_payload_bytes = 4194304`,
      'processing.dead_letter_max_payload_bytes: must be at most 4128768',
    ],
    [
      'unknown dead-letter fallback',
      `${BASE}[processing]\ndead_letter_fallback = "retry"`,
      'processing.dead_letter_fallback: expected one of "fail", "skip"',
    ],
    [
      'zero source retry timeout',
      `${BASE}[retry]\nsource_retry_timeout_ms = 0`,
      'retry.source_retry_timeout_ms: must be at least 1',
    ],
    [
      'nan timeout',
      `${BASE}[danube]\nconnect_timeout_ms = nan`,
      'danube.connect_timeout_ms: expected integer, got nan',
    ],
    [
      'zero request timeout',
      `${BASE}[danube]\nrequest_timeout_ms = 0`,
      'danube.request_timeout_ms: must be at least 1',
    ],
    [
      'client certificate without key',
      `${TLS_BASE}[danube]\ntls_cert_file = "cert.pem"`,
      'danube.tls_key_file: required with tls_cert_file (a client certificate needs both)',
    ],
    [
      'client key without certificate',
      `${TLS_BASE}[danube]\ntls_key_file = "key.pem"`,
      'danube.tls_cert_file: required with tls_key_file (a client certificate needs both)',
    ],
    ['empty token', `${TLS_BASE}[danube]\ntoken = ""`, 'danube.token: must not be empty'],
    [
      'token over plain http',
      `${BASE}[danube]\ntoken = "jwt"`,
      'danube.token: needs an https:// danube_service_url (a token is only sent over TLS); the URL is http://localhost:6650',
    ],
    [
      'token file over plain http',
      `${BASE}[danube]\ntoken_file = "token"`,
      'danube.token_file: needs an https:// danube_service_url (a token is only sent over TLS); the URL is http://localhost:6650',
    ],
    [
      'TLS file over plain http',
      `${BASE}[danube]\ntls_ca_file = "ca.pem"`,
      'danube.tls_ca_file: needs an https:// danube_service_url (TLS files need TLS); the URL is http://localhost:6650',
    ],
    [
      'token and token file',
      `${TLS_BASE}[danube]\ntoken = "jwt"\ntoken_file = "token"`,
      'danube.token_file: give either token (DANUBE_TOKEN) or token_file, not both',
    ],
    [
      'datetime for a string',
      'danube_service_url = 1979-05-27T07:32:00Z\nconnector_name = "x"',
      'danube_service_url: expected string, got datetime',
    ],
    ['connector section missing', BASE, 'mqtt: required key missing'],
    [
      'connector key missing',
      `${BASE}[mqtt]\nroutes = [{ from = "a", to = "/b/c" }]`,
      'mqtt.broker_host: required key missing',
    ],
    [
      'connector key of the wrong type',
      `${BASE}[mqtt]\nbroker_host = "h"\nbroker_port = "1883"\nroutes = [{ from = "a", to = "/b/c" }]`,
      'mqtt.broker_port: expected integer, got string',
    ],
    [
      'connector routes empty',
      `${BASE}[mqtt]\nbroker_host = "h"\nroutes = []`,
      'mqtt.routes: must not be empty',
    ],
    [
      'connector route key missing',
      `${BASE}[mqtt]\nbroker_host = "h"\n[[mqtt.routes]]\nfrom = "a"`,
      'mqtt.routes[0].to: required key missing',
    ],
  ])('%s', (_name, toml, expected) => {
    const settings = toml.includes('mqtt') || toml === BASE ? mqttSettings : undefined;
    expect(errorLines(toml, settings)).toEqual([`connector.toml: ${expected}`]);
  });

  it('duplicate schema topic names both entries', () => {
    const toml = `${BASE}
[[schemas]]
topic = "/iot/a"
subject = "a"
schema_type = "string"

[[schemas]]
topic = "/iot/b"
subject = "b"
schema_type = "string"

[[schemas]]
topic = "/iot/a"
subject = "a2"
schema_type = "bytes"
`;
    expect(errorLines(toml)).toEqual([
      'connector.toml: schemas[2].topic: duplicate topic "/iot/a" (already used by schemas[0])',
    ]);
  });

  it('malformed TOML names the line and column, without echoing the file', () => {
    const toml = `${BASE}[danube]\ntoken = "s3cr3t-token\n`;
    const error = configError(toml);
    expect(error.message).toBe(
      'connector.toml: malformed TOML at line 4, column 22: control characters are not allowed in strings',
    );
    expect(error.problems).toEqual([
      {
        path: '',
        message:
          'malformed TOML at line 4, column 22: control characters are not allowed in strings',
        line: 4,
        column: 22,
      },
    ]);
    expect(error.message).not.toContain('s3cr3t');
  });

  it('a key defined twice is malformed TOML', () => {
    expect(errorLines(`${BASE}connector_name = "again"`)).toEqual([
      'connector.toml: malformed TOML at line 3, column 1: trying to redefine an already defined table or value',
    ]);
  });

  it('reports every problem of the file at once, in file order of the tables', () => {
    const toml = `danube_service_url = "localhost"
[processing]
batch_size = "big"
failure_policy = "dead_letter"
[retry]
max_retries = 1000
[[schemas]]
topic = "/iot/a"
subject = "a"
schema_type = "json"
version_strategy = "newest"
`;
    const error = configError(toml, mqttSettings);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.kind).toBe('config');
    expect(error.file).toBe('connector.toml');
    expect(error.message).toBe(
      [
        `connector.toml: danube_service_url: ${URL_MESSAGE}`,
        'connector.toml: connector_name: required key missing',
        'connector.toml: processing.batch_size: expected integer, got string',
        'connector.toml: retry.max_retries: must be at most 100',
        `connector.toml: schemas[0].version_strategy: ${VERSION_MESSAGE}`,
        'connector.toml: processing.dead_letter_topic: required when failure_policy = "dead_letter"',
        'connector.toml: schemas[0].schema_file: required for schema_type "json_schema"',
        'connector.toml: mqtt: required key missing',
      ].join('\n'),
    );
    expect(error.problems.map((p) => p.path)).toEqual([
      'danube_service_url',
      'connector_name',
      'processing.batch_size',
      'retry.max_retries',
      'schemas[0].version_strategy',
      'processing.dead_letter_topic',
      'schemas[0].schema_file',
      'mqtt',
    ]);
  });

  it('names the file it was given', () => {
    expect(
      errorLines('connector_name = "x"', undefined, { file: '/etc/danube/mqtt.toml' }),
    ).toEqual(['/etc/danube/mqtt.toml: danube_service_url: required key missing']);
  });

  it('quotes keys that are not bare TOML keys in paths', () => {
    const settings = z.object({ labels: z.object({ 'a.b': z.string() }) });
    expect(errorLines(`${BASE}[labels]\n"a.b" = 1`, settings)).toEqual([
      'connector.toml: labels."a.b": expected string, got integer',
    ]);
  });

  it('connector refinements keep their own message', () => {
    const settings = z.object({
      server: z.object({ port: z.int().refine((p) => p !== 6650, 'port 6650 is the broker port') }),
    });
    expect(errorLines(`${BASE}[server]\nport = 6650`, settings)).toEqual([
      'connector.toml: server.port: port 6650 is the broker port',
    ]);
  });
});
