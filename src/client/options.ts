/**
 * Options of the Danube client, and their defaults (in one place).
 * @module
 */
import type { TokenSupplier } from './token.js';

/** Exponential backoff with jitter for retried calls (p-retry semantics). */
export interface RetryOptions {
  /** Retries after the first attempt. Default 5. */
  retries?: number;
  /** Delay before the first retry, in ms. Default 200. */
  minTimeoutMs?: number;
  /** Upper bound of one delay, in ms. Default 5 000. */
  maxTimeoutMs?: number;
  /** Growth factor of the delay. Default 2. */
  factor?: number;
  /** Multiply each delay by a random factor in [1, 2). Default true. */
  randomize?: boolean;
}

/** The pino-compatible logger subset the client uses. Every call is `(fields, message)`. */
export interface ClientLogger {
  /** Detail for troubleshooting (retries, recreated producers). */
  debug(fields: object, message: string): void;
  /** Normal events (connected, producer created). */
  info(fields: object, message: string): void;
  /** Something went wrong and is being handled. */
  warn(fields: object, message: string): void;
  /** Something went wrong and was not handled. */
  error(fields: object, message: string): void;
}

/** TLS material for `https://` service URLs (PEM buffers). */
export interface TlsOptions {
  /** CA certificate(s) to trust; the system roots when absent. */
  ca?: Buffer;
  /** Client certificate for mutual TLS. */
  cert?: Buffer;
  /** Private key of the client certificate. */
  key?: Buffer;
}

/** Options of {@link DanubeClient.connect}. */
export interface DanubeClientOptions {
  /** `http://host:6650` (plain text) or `https://host:6650` (TLS). */
  serviceUrl: string;
  /**
   * JWT sent as `authorization: Bearer <token>`; refused without https. A
   * {@link TokenSupplier} is asked before every call (Rust's `with_token_supplier`), e.g.
   * `tokenFromFile(path)` for a token that is rotated on disk.
   */
  token?: string | TokenSupplier;
  /** TLS material; https only. */
  tls?: TlsOptions;
  /** Deadline of calls that open a connection (lookup, CreateProducer, Subscribe). Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Deadline of every other unary call. Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** Retry policy of sends, lookups and producer creation; `false` = one attempt. */
  retry?: RetryOptions | false;
  /** Producer HealthCheck polling interval. Default 5 000 ms. */
  healthCheckIntervalMs?: number;
  /**
   * While calls are in flight, an HTTP/2 PING goes to the broker after this much silence on
   * the connection. Default 30 000 ms.
   */
  keepaliveIntervalMs?: number;
  /**
   * A connection whose PING is not answered within this time counts as dead (a crashed
   * host, a dropped NAT entry): its calls fail with UNAVAILABLE and the next call dials
   * again. Default 10 000 ms.
   */
  keepaliveTimeoutMs?: number;
  /** Where the client logs recreations and retries; silent when absent. */
  logger?: ClientLogger;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<RetryOptions>;

/** The default retry policy (5 retries, 200 ms doubling up to 5 s, jittered). */
export const DEFAULT_RETRY: RetryPolicy = {
  retries: 5,
  minTimeoutMs: 200,
  maxTimeoutMs: 5_000,
  factor: 2,
  randomize: true,
};

/** Default deadlines and intervals of the client, in ms. */
export const CLIENT_DEFAULTS = {
  connectTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  healthCheckIntervalMs: 5_000,
  keepaliveIntervalMs: 30_000,
  keepaliveTimeoutMs: 10_000,
} as const;

/** Fills the defaults of a retry option; `false` becomes a policy of zero retries. */
export function resolveRetry(option: RetryOptions | false | undefined): RetryPolicy {
  if (option === false) return { ...DEFAULT_RETRY, retries: 0 };
  return { ...DEFAULT_RETRY, ...stripUndefined(option ?? {}) };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: ClientLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
