/** Value at quantile `q` (0..1) of `sorted` (ascending), nearest-rank; 0 for an empty list. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? 0;
}

/** Latency summary in milliseconds from nanosecond samples. */
export function latencySummary(samplesNs: readonly bigint[]): {
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
} {
  const ms = samplesNs.map((ns) => Number(ns) / 1e6).sort((a, b) => a - b);
  return {
    p50_ms: round(quantile(ms, 0.5), 3),
    p99_ms: round(quantile(ms, 0.99), 3),
    max_ms: round(ms.at(-1) ?? 0, 3),
  };
}

/** Rounds to `digits` decimals (JSON output stays readable). */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A throughput figure: how many messages in how long. */
export interface Throughput {
  messages: number;
  seconds: number;
  msgs_per_s: number;
}

/** Measures `run` (which publishes `messages` messages) and returns its throughput. */
export async function measureThroughput(
  messages: number,
  run: () => Promise<void>,
): Promise<Throughput> {
  const start = process.hrtime.bigint();
  await run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { messages, seconds: round(seconds, 3), msgs_per_s: round(messages / seconds, 0) };
}

/**
 * Runs `send(i)` for i = 0 … count − 1 with at most `inflight` calls outstanding: each of
 * `inflight` workers takes the next index as soon as its previous call settled.
 */
export async function sendWithInflight(
  count: number,
  inflight: number,
  send: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await send(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inflight, count) }, worker));
}
