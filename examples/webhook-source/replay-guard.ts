import type { Clock } from './rate-limiter.js';

/**
 * Remembers signatures seen within the timestamp tolerance window so the same signed
 * request cannot be accepted twice. A signature is reserved while its request is being
 * handled and released again when the request fails, so a sender may retry a request we
 * did not accept.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly now: Clock = Date.now) {}

  /**
   * Reserves `signature` until `expiresAtMs`. False when it is already reserved or accepted,
   * i.e. the request is a replay.
   */
  reserve(signature: string, expiresAtMs: number): boolean {
    this.forgetExpired();
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, expiresAtMs);
    return true;
  }

  /** Forgets a reservation whose request was not accepted. */
  release(signature: string): void {
    this.seen.delete(signature);
  }

  /** Number of remembered signatures (for tests and metrics). */
  get size(): number {
    return this.seen.size;
  }

  private forgetExpired(): void {
    const now = this.now();
    // Entries arrive roughly in expiry order, so stopping at the first live one keeps this
    // O(expired); an out-of-order entry only lingers until the ones before it expire.
    for (const [signature, expiresAt] of this.seen) {
      if (expiresAt >= now) break;
      this.seen.delete(signature);
    }
  }
}
