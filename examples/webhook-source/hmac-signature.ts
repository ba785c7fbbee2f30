import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC digest algorithms accepted in `[auth] algorithm`. */
export type HmacAlgorithm = 'sha256' | 'sha512';

/**
 * Computes the signature of a webhook: hex HMAC over `"<timestamp>.<raw body>"`
 * (the scheme Stripe uses, so Stripe's `t=…,v1=…` headers verify unchanged).
 */
export function computeSignature(
  algorithm: HmacAlgorithm,
  secret: string,
  timestamp: string,
  body: Uint8Array,
): string {
  return createHmac(algorithm, secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * Builds a signature header value for `body` signed at `timestampSeconds`, as a sender
 * would: `t=<unix seconds>,v1=<hex>`.
 */
export function signatureHeader(
  algorithm: HmacAlgorithm,
  secret: string,
  timestampSeconds: number,
  body: Uint8Array | string,
): string {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const timestamp = String(Math.floor(timestampSeconds));
  return `t=${timestamp},v1=${computeSignature(algorithm, secret, timestamp, bytes)}`;
}

/** The parts of a signature header: the timestamp (when present) and the candidate signatures. */
export interface ParsedSignatureHeader {
  timestamp: string | undefined;
  signatures: string[];
}

/**
 * Parses `t=<ts>,v1=<hex>[,v1=<hex>]`, `sha256=<hex>` or a bare hex signature.
 * Unknown `key=value` parts (e.g. Stripe's `v0=`) are ignored.
 */
export function parseSignatureHeader(value: string): ParsedSignatureHeader {
  const parts = value.split(',').map((part) => part.trim());
  let timestamp: string | undefined;
  const signatures: string[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq === -1) {
      if (part !== '') signatures.push(part);
      continue;
    }
    const key = part.slice(0, eq);
    const val = part.slice(eq + 1);
    if (key === 't') timestamp = val;
    else if (key === 'v1' || key === 'sha256' || key === 'sha512') signatures.push(val);
  }
  return { timestamp, signatures };
}

/** Why a signature was refused, or the signature that matched (the replay-guard key). */
export type SignatureCheck =
  { ok: true; signature: string; timestampSeconds: number } | { ok: false; reason: string };

/** Inputs of {@link verifySignature}. */
export interface VerifySignatureOptions {
  algorithm: HmacAlgorithm;
  secret: string;
  /** Value of the signature header, if sent. */
  header: string | undefined;
  /** Value of the separate timestamp header, used when the signature header has no `t=`. */
  timestampHeader: string | undefined;
  body: Uint8Array;
  toleranceSeconds: number;
  nowMs: number;
}

/** Checks a webhook signature and its timestamp freshness. Constant-time on the digest. */
export function verifySignature(options: VerifySignatureOptions): SignatureCheck {
  if (options.header === undefined || options.header === '') {
    return { ok: false, reason: 'missing signature header' };
  }
  const parsed = parseSignatureHeader(options.header);
  const timestamp = parsed.timestamp ?? options.timestampHeader;
  if (timestamp === undefined || timestamp === '') {
    return { ok: false, reason: 'missing signature timestamp' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) {
    return { ok: false, reason: 'signature timestamp is not unix seconds' };
  }
  const timestampSeconds = Number(timestamp);
  const ageSeconds = Math.abs(options.nowMs / 1000 - timestampSeconds);
  if (ageSeconds > options.toleranceSeconds) {
    return {
      ok: false,
      reason: `signature timestamp outside the tolerance of ${options.toleranceSeconds}s`,
    };
  }
  const expected = Buffer.from(
    computeSignature(options.algorithm, options.secret, timestamp, options.body),
    'hex',
  );
  for (const candidate of parsed.signatures) {
    const given = Buffer.from(candidate, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { ok: true, signature: candidate.toLowerCase(), timestampSeconds };
    }
  }
  return { ok: false, reason: 'signature mismatch' };
}
