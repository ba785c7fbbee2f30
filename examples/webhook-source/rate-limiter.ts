/** Milliseconds since some fixed point; injectable so tests control time without fake timers. */
export type Clock = () => number;

/**
 * A token bucket: holds up to `burst` tokens, refilled continuously at `ratePerSecond`.
 * Each request takes one token; an empty bucket means "too many requests".
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: Clock,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /** Takes one token when available. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until one token is available again (0 when one is available now). */
  msUntilNextToken(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }

  /** True when the bucket is full, i.e. forgetting it changes nothing. */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.updatedAt) / 1000;
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.ratePerSecond);
  }
}

/** Limits of one rate limiter, as configured in `[rate_limit]` or `[routes.rate_limit]`. */
export interface RateLimitSettings {
  requests_per_second: number;
  burst_size: number;
  per_ip_enabled: boolean;
  per_ip_requests_per_second?: number | undefined;
  per_ip_burst_size?: number | undefined;
}

/** Outcome of {@link RateLimiter.check}. */
export type RateLimitDecision =
  { allowed: true } | { allowed: false; scope: 'global' | 'client'; retryAfterMs: number };

/** How many idle client buckets are kept before full ones are forgotten. */
const MAX_TRACKED_CLIENTS = 10_000;

/**
 * One shared bucket for every request, plus (when `per_ip_enabled`) one bucket per client
 * address. A request must get a token from both.
 */
export class RateLimiter {
  private readonly shared: TokenBucket;
  private readonly clients = new Map<string, TokenBucket>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly now: Clock = Date.now,
  ) {
    this.shared = new TokenBucket(settings.requests_per_second, settings.burst_size, now);
  }

  /** Takes a token for a request from `clientIp`, or says which limit refused it. */
  check(clientIp: string): RateLimitDecision {
    if (this.settings.per_ip_enabled) {
      const bucket = this.clientBucket(clientIp);
      // The client's own limit is checked first so one noisy client cannot drain the shared bucket.
      if (!bucket.tryTake()) {
        return { allowed: false, scope: 'client', retryAfterMs: bucket.msUntilNextToken() };
      }
    }
    if (!this.shared.tryTake()) {
      return { allowed: false, scope: 'global', retryAfterMs: this.shared.msUntilNextToken() };
    }
    return { allowed: true };
  }

  private clientBucket(clientIp: string): TokenBucket {
    let bucket = this.clients.get(clientIp);
    if (bucket === undefined) {
      if (this.clients.size >= MAX_TRACKED_CLIENTS) this.forgetFullBuckets();
      const rate = this.settings.per_ip_requests_per_second ?? this.settings.requests_per_second;
      const burst = this.settings.per_ip_burst_size ?? Math.max(1, Math.ceil(rate));
      bucket = new TokenBucket(rate, burst, this.now);
      this.clients.set(clientIp, bucket);
    }
    return bucket;
  }

  private forgetFullBuckets(): void {
    for (const [ip, bucket] of this.clients) {
      if (bucket.isFull()) this.clients.delete(ip);
    }
  }
}
