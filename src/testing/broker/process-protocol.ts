/**
 * Messages between {@link startBrokerProcess} and the broker child process (IPC with
 * `serialization: 'advanced'`, so bigints and Buffers cross intact).
 * @module
 */
import type { BrokerMethod, BrokerOptions, BrokerStats } from './types.js';

/** Options a broker in a child process accepts (functions cannot cross the process boundary). */
export type BrokerProcessOptions = Omit<BrokerOptions, 'idGenerator'>;

/** Queries the parent can make. */
export type BrokerQuery =
  | { op: 'messageCount'; topic: string }
  | { op: 'topics' }
  | { op: 'stats' }
  | { op: 'createNamespace'; name: string }
  | { op: 'latency'; ms: number; method?: BrokerMethod };

/** What each query answers. */
export interface BrokerQueryResults {
  messageCount: number;
  topics: string[];
  stats: BrokerStats;
  createNamespace: null;
  latency: null;
}

/** Parent → child. */
export type ToChild =
  | { type: 'start'; options: BrokerProcessOptions }
  | { type: 'query'; id: number; query: BrokerQuery }
  | { type: 'close' };

/** Child → parent. */
export type ToParent =
  | { type: 'ready'; url: string; port: number }
  | { type: 'failed'; message: string }
  | { type: 'answer'; id: number; result?: unknown; error?: string }
  | { type: 'closed' };
