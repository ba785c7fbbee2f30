/** Commands the benchmark sends to its broker process. */
export type BrokerCommand =
  | { type: 'count'; id: number; topics: string[] }
  | { type: 'latency'; id: number; ms: number }
  | { type: 'reset'; id: number }
  | { type: 'close'; id: number };

/** Replies of the broker process. */
export type BrokerReply =
  { type: 'ready'; url: string } | { type: 'result'; id: number; value: number };
