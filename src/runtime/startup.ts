import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DanubeClient } from '../client/client.js';
import type { ClientLogger, DanubeClientOptions } from '../client/options.js';
import { tokenFromFile, type TokenSupplier } from '../client/token.js';
import type { ProducerOptions } from '../client/producer.js';
import type { ConnectorConfig } from '../config/types.js';
import type { ProducerConfig } from '../connector/producer-config.js';
import type { Logger } from '../observability/logger.js';
import type { SecretRedactor } from '../redact.js';
import type { SchemaRegistryApi } from '../schema/registry-api.js';
import { producerSchemaReference } from '../schema/resolver.js';
import type { PublishTarget } from './publish-pipeline.js';
import type { PublishProducer } from './publisher.js';
import { DanubeConnectError, errorMessage } from '../errors.js';

/** What the runtime needs from a Danube client (the real one, or a fake in unit tests). */
export interface RuntimeClient {
  /** Creates (or recreates) the producer of one topic, partitions included. */
  createProducer(options: ProducerOptions): Promise<PublishProducer>;
  readonly schemas: SchemaRegistryApi;
  /** Closes every producer and connection of the client. */
  close(): Promise<void>;
}

/** Creates the runtime's client; the default connects a {@link DanubeClient}. */
export type ClientFactory = (options: DanubeClientOptions) => Promise<RuntimeClient>;

/** The default {@link ClientFactory}. */
export const connectDanube: ClientFactory = (options) => DanubeClient.connect(options);

/**
 * The producer name of a topic: `{connector_name}-{topic without its leading / and with
 * every other / as -}`, e.g. `my-conn` + `/iot/sensors` → `my-conn-iot-sensors`.
 */
export function producerName(connectorName: string, topic: string): string {
  return `${connectorName}-${topic.replace(/^\/+/, '').replace(/\//g, '-')}`;
}

/** What {@link clientOptions} needs besides the configuration. */
export interface ClientSetup {
  logger: Logger;
  /** Learns every token read from `token_file` or the supplier, so logs never show one. */
  redactor: SecretRedactor;
  /** A token supplier given in code (`SourceRuntimeOptions.token`). */
  token?: TokenSupplier | undefined;
}

/**
 * Client options from `danube_service_url` and `[danube]` (TLS and token files read relative
 * to the config).
 */
export async function clientOptions(
  core: ConnectorConfig,
  setup: ClientSetup,
): Promise<DanubeClientOptions> {
  const { danube } = core;
  const read = async (
    key: 'tls_ca_file' | 'tls_cert_file' | 'tls_key_file',
  ): Promise<Buffer | undefined> => {
    const file = danube[key];
    if (file === undefined) return undefined;
    const resolved = path.resolve(core.config_dir, file);
    try {
      return await readFile(resolved);
    } catch (error) {
      throw new DanubeConnectError('config', `danube.${key}: cannot read ${resolved}`, {
        cause: error,
        keyPath: `danube.${key}`,
        file: resolved,
      });
    }
  };
  const [ca, cert, key] = await Promise.all([
    read('tls_ca_file'),
    read('tls_cert_file'),
    read('tls_key_file'),
  ]);
  const tls =
    ca || cert || key
      ? { ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }) }
      : undefined;
  const clientLogger: ClientLogger = setup.logger.child({ component: 'client' });
  const token = tokenOption(core, setup, clientLogger);
  return {
    serviceUrl: core.danube_service_url,
    ...(token === undefined ? {} : { token }),
    ...(tls === undefined ? {} : { tls }),
    connectTimeoutMs: danube.connect_timeout_ms,
    requestTimeoutMs: danube.request_timeout_ms,
    logger: clientLogger,
  };
}

/** The token of every call: the supplier in code, `token_file`, or `token` (one at most). */
function tokenOption(
  core: ConnectorConfig,
  setup: ClientSetup,
  logger: ClientLogger,
): string | TokenSupplier | undefined {
  const { token, token_file: tokenFile } = core.danube;
  const { redactor } = setup;
  const supplied = setup.token;
  if (supplied !== undefined) {
    if (token !== undefined || tokenFile !== undefined) {
      const keyPath = `danube.${token === undefined ? 'token_file' : 'token'}`;
      throw new DanubeConnectError(
        'config',
        `${keyPath}: a token supplier is also given in code (SourceRuntimeOptions.token); use one of them`,
        { keyPath },
      );
    }
    return async () => {
      const value = await supplied();
      redactor.add(value);
      return value;
    };
  }
  if (tokenFile === undefined) return token;
  const resolved = path.resolve(core.config_dir, tokenFile);
  try {
    return tokenFromFile(resolved, {
      onToken: (value) => redactor.add(value),
      onError: (error) =>
        logger.warn(
          { err: error, file: resolved },
          `danube.token_file changed but cannot be read: keeping the previous token (${error.message})`,
        ),
    });
  } catch (error) {
    throw new DanubeConnectError(
      'config',
      `danube.token_file: cannot read the token from ${resolved}: ${errorMessage(error)}`,
      { cause: error, keyPath: 'danube.token_file', file: resolved },
    );
  }
}

/**
 * Creates one producer per declared topic (schema attached, client retries off: the runtime
 * owns them). On failure the producers created so far are closed.
 */
export async function createTargets(
  client: RuntimeClient,
  core: ConnectorConfig,
  configs: readonly ProducerConfig[],
): Promise<Map<string, PublishTarget>> {
  const targets = new Map<string, PublishTarget>();
  try {
    for (const config of configs) {
      const schema = config.schemaConfig;
      const producer = await client.createProducer({
        topic: config.topic,
        name: producerName(core.connector_name, config.topic),
        partitions: config.partitions,
        reliableDispatch: config.reliableDispatch,
        retry: false,
        ...(schema === undefined ? {} : { schema: producerSchemaReference(schema) }),
      });
      targets.set(config.topic, { producer, codec: schema?.codec });
    }
  } catch (error) {
    await Promise.allSettled([...targets.values()].map((t) => t.producer.close()));
    throw error;
  }
  return targets;
}
