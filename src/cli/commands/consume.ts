import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { DanubeClient, type ReceivedMessage, type SchemaInfo } from '../../client/index.js';
import { errorMessage, isDanubeConnectError } from '../../errors.js';
import { decodePayload } from '../../schema/decode.js';
import type { SchemaTypeName } from '../../schema/types.js';
import {
  usageError,
  flag,
  integerOption,
  parseCommandArgs,
  stringOption,
  type ParsedArgs,
} from '../args.js';
import type { Command } from '../command.js';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.js';
import { println, type CliIo } from '../io.js';

const DEFAULT_SERVICE_URL = 'http://127.0.0.1:6650';
const SUBSCRIPTION_TYPES = ['Exclusive', 'Shared', 'Failover', 'KeyShared'] as const;
type SubscriptionType = (typeof SUBSCRIPTION_TYPES)[number];
const TOPIC_WAIT_MS = 1_000;

const HELP = `Usage: danube-connect consume --topic <topic> [options]

Subscribes to a topic and prints every message, decoded by its registered schema type
(json_schema and avro as JSON, string as text, number as a number, bytes as base64), like
\`danube-cli consume\`: the quickest way to see what a connector sent. Messages without a
schema are shown as JSON when they hold JSON text, else as UTF-8 text, else as base64.
As on the broker, a new subscription starts at the end of the topic: it shows messages
published after it subscribed (an existing subscription resumes where it stopped; on a
non-reliable topic, only while it is connected). Waits for the topic when it does not
exist yet. Ctrl-C stops.

Options:
  --topic, -t <topic>         topic to read, /namespace/name (required)
  --subscription, -s <name>   subscription name (default: danube-connect-consume)
  --type <type>               Exclusive | Shared | Failover | KeyShared (default: Shared)
  --service-url, -u <url>     broker URL (default: $DANUBE_SERVICE_URL or ${DEFAULT_SERVICE_URL})
  --token <jwt>               bearer token, https only (default: $DANUBE_TOKEN)
  --ca-file <file>            PEM CA to trust for https
  --count, -n <n>             exit 0 after printing n messages
  --json                      one JSON object per line: topic, offset, key, producer,
                              publish_time, attributes, schema, value
  --help, -h                  show this help

Example:
  danube-connect consume -t /default/events -u http://localhost:6650 --json

${EXIT_CODES_HELP}`;

interface DecodedSchema {
  subject: string;
  version: number;
  /** The registry's schema type name (json_schema, avro, string, …). */
  type: string;
}

/** `danube-connect consume`: prints a topic's messages. */
export const consumeCommand: Command = {
  name: 'consume',
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(
      argv,
      {
        topic: { type: 'string', short: 't' },
        subscription: { type: 'string', short: 's' },
        type: { type: 'string' },
        'service-url': { type: 'string', short: 'u' },
        token: { type: 'string' },
        'ca-file': { type: 'string' },
        count: { type: 'string', short: 'n' },
        json: { type: 'boolean' },
      },
      0,
    );
    const topic = stringOption(args, 'topic');
    if (topic === undefined) throw usageError('missing --topic');
    const type = subscriptionType(args);
    const count = integerOption(args, 'count', 0, { min: 1, max: Number.MAX_SAFE_INTEGER });
    const subscription = stringOption(args, 'subscription') ?? 'danube-connect-consume';
    const serviceUrl =
      stringOption(args, 'service-url') ?? io.env.DANUBE_SERVICE_URL ?? DEFAULT_SERVICE_URL;
    const token = stringOption(args, 'token') ?? io.env.DANUBE_TOKEN;
    const caFile = stringOption(args, 'ca-file');

    const client = await DanubeClient.connect({
      serviceUrl,
      ...(token === undefined || token === '' ? {} : { token }),
      ...(caFile === undefined ? {} : { tls: { ca: await readFile(caFile) } }),
    });
    try {
      const consumer = await subscribeWhenTopicExists(client, io, { topic, subscription, type });
      if (consumer === undefined) return EXIT.OK;
      println(io.stderr, `subscribed to ${topic} (subscription ${subscription}, ${type})`);
      const stop = (): void => void consumer.close();
      io.signal.addEventListener('abort', stop, { once: true });
      const schemas = new SchemaCache(client);
      let printed = 0;
      try {
        for await (const message of consumer) {
          const schema = await schemas.of(message);
          println(io.stdout, format(message, schema, flag(args, 'json')));
          await consumer.ack(message);
          printed += 1;
          if (count > 0 && printed >= count) break;
        }
      } finally {
        io.signal.removeEventListener('abort', stop);
        await consumer.close();
      }
      return EXIT.OK;
    } finally {
      await client.close();
    }
  },
};

function subscriptionType(args: ParsedArgs): SubscriptionType {
  const text = stringOption(args, 'type') ?? 'Shared';
  const match = SUBSCRIPTION_TYPES.find((t) => t.toLowerCase() === text.toLowerCase());
  if (match === undefined) {
    throw usageError(`--type must be one of ${SUBSCRIPTION_TYPES.join(', ')}, got "${text}"`);
  }
  return match;
}

async function subscribeWhenTopicExists(
  client: DanubeClient,
  io: CliIo,
  options: { topic: string; subscription: string; type: SubscriptionType },
) {
  let told = false;
  for (;;) {
    try {
      return await client.subscribe(options);
    } catch (error) {
      if (!isDanubeConnectError(error, 'not_found')) throw error;
      if (!told) println(io.stderr, `topic ${options.topic} does not exist yet: waiting for it`);
      told = true;
      try {
        await delay(TOPIC_WAIT_MS, undefined, { signal: io.signal });
      } catch {
        return undefined; // stopped while waiting
      }
    }
  }
}

/** Schema lookups by id and version, once each. */
class SchemaCache {
  private readonly known = new Map<string, Promise<SchemaInfo>>();

  constructor(private readonly client: DanubeClient) {}

  async of(message: ReceivedMessage): Promise<DecodedSchema | undefined> {
    if (message.schemaId === undefined) return undefined;
    const key = `${message.schemaId}@${message.schemaVersion ?? 'latest'}`;
    let info = this.known.get(key);
    if (info === undefined) {
      info = this.client.schemas.getSchema(message.schemaId, message.schemaVersion);
      this.known.set(key, info);
      info.catch(() => this.known.delete(key));
    }
    const schema = await info;
    return { subject: schema.subject, version: schema.version, type: schema.schemaType };
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A payload without a schema: JSON text → its value, other UTF-8 → text, else bytes. */
function decodeSchemaless(payload: Buffer): unknown {
  let text: string;
  try {
    text = STRICT_UTF8.decode(payload);
  } catch {
    return payload;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function decode(message: ReceivedMessage, schema: DecodedSchema | undefined): unknown {
  if (schema === undefined) return decodeSchemaless(message.payload);
  try {
    return decodePayload(message.payload, { schemaType: schema.type as SchemaTypeName });
  } catch (error) {
    return {
      undecodable: errorMessage(error),
      base64: message.payload.toString('base64'),
    };
  }
}

function format(
  message: ReceivedMessage,
  schema: DecodedSchema | undefined,
  json: boolean,
): string {
  const value = decode(message, schema);
  if (json) {
    return JSON.stringify({
      topic: message.topic,
      offset: message.offset.toString(),
      ...(message.key === undefined ? {} : { key: message.key }),
      producer: message.producerName,
      publish_time: message.publishTime.toISOString(),
      attributes: message.attributes,
      schema: schema ?? null,
      value: Buffer.isBuffer(value) ? { base64: value.toString('base64') } : value,
    });
  }
  const head = [
    `topic=${message.topic}`,
    `offset=${message.offset}`,
    ...(message.key === undefined ? [] : [`key=${message.key}`]),
    ...(schema === undefined
      ? []
      : [`schema=${schema.subject}@v${schema.version} (${schema.type})`]),
    ...Object.entries(message.attributes).map(([k, v]) => `${k}=${v}`),
  ].join(' ');
  const body = Buffer.isBuffer(value)
    ? `<${value.length} bytes, base64> ${value.toString('base64')}`
    : typeof value === 'string'
      ? value
      : JSON.stringify(value);
  return `${head}\n  ${body}`;
}
