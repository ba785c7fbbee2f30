import { DanubeClient } from '../src/client/client.js';
import type { Producer } from '../src/client/producer.js';
import { codecFor } from '../src/schema/codecs.js';
import type { PayloadCodec } from '../src/schema/types.js';
import { RECORD_SCHEMA_TEXT } from './record.js';

/** Namespace every benchmark topic lives in. */
export const BENCH_NAMESPACE = 'bench';
/** Registry subject of the benchmark record schema. */
export const BENCH_SUBJECT = 'bench-event';

/** Message counts of one run (tiny with `--quick`). */
export interface BenchCounts {
  warmup: number;
  rawInflight: number;
  rawSerial: number;
  sendAndWait: number;
  runtime: number;
  slowBroker: number;
  /** Records of the one-at-a-time latency probe. */
  latencyProbe: number;
  /** Records per scenario with 1 ms added broker latency (LAN-like round trip). */
  lan: number;
  /** Bare-gRPC calls one at a time, and with 8 / 64 in flight (transport ceiling). */
  transportSerial: number;
  transportInflight: number;
}

/** Full-run and quick-run counts. */
export const COUNTS: Record<'full' | 'quick', BenchCounts> = {
  full: {
    warmup: 2_000,
    rawInflight: 40_000,
    rawSerial: 8_000,
    sendAndWait: 8_000,
    runtime: 40_000,
    slowBroker: 3_000,
    latencyProbe: 2_000,
    lan: 3_000,
    transportSerial: 4_000,
    transportInflight: 15_000,
  },
  quick: {
    warmup: 20,
    rawInflight: 200,
    rawSerial: 50,
    sendAndWait: 50,
    runtime: 200,
    slowBroker: 100,
    latencyProbe: 20,
    lan: 50,
    transportSerial: 50,
    transportInflight: 200,
  },
};

/** What every scenario gets: the broker URL, the counts, a unique topic per scenario. */
export interface BenchContext {
  brokerUrl: string;
  counts: BenchCounts;
  quick: boolean;
  /** A fresh topic name for a scenario (`/bench/<label>-<n>`). */
  topic(label: string): string;
  /** Messages stored by the broker process on `topic` (all partitions). */
  storedCount(topic: string, partitions: number): Promise<number>;
  /** Sets the broker's SendMessage latency (0 clears). */
  setBrokerLatency(ms: number): Promise<void>;
}

/** A client connected to the benchmark broker, with retries off (as the runtime uses it). */
export function connectClient(ctx: BenchContext): Promise<DanubeClient> {
  return DanubeClient.connect({
    serviceUrl: ctx.brokerUrl,
    retry: false,
    healthCheckIntervalMs: 60_000,
  });
}

/** Registers the benchmark schema and returns a producer with it plus the compiled codec. */
export async function schemaProducer(
  client: DanubeClient,
  topic: string,
  partitions: number,
  name: string,
): Promise<{ producer: Producer; codec: PayloadCodec }> {
  const registered = await client.schemas.register({
    subject: BENCH_SUBJECT,
    schemaType: 'json_schema',
    definition: RECORD_SCHEMA_TEXT,
  });
  const producer = await client.createProducer({
    topic,
    name,
    partitions,
    reliableDispatch: true,
    schema: { subject: BENCH_SUBJECT },
    retry: false,
  });
  const codec = codecFor('json_schema', RECORD_SCHEMA_TEXT, 'default', {
    topic,
    subject: BENCH_SUBJECT,
    version: registered.version,
  });
  return { producer, codec };
}
