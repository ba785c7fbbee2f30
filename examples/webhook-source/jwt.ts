import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';

/** The key a JWT is verified with: a shared secret (HS256) or an RSA public key (RS256). */
export type JwtKey = { alg: 'HS256'; secret: string } | { alg: 'RS256'; publicKey: KeyObject };

/** Builds an RS256 key from a PEM public key (the `[auth] public_key_path` file contents). */
export function rs256Key(pem: string | Buffer): JwtKey {
  return { alg: 'RS256', publicKey: createPublicKey(pem) };
}

/** Outcome of {@link verifyJwt}: the claims, or why the token was refused. */
export type JwtCheck =
  { ok: true; claims: Record<string, unknown> } | { ok: false; reason: string };

/** Inputs of {@link verifyJwt}. */
export interface VerifyJwtOptions {
  key: JwtKey;
  nowMs: number;
  /** Clock skew allowed on `exp` and `nbf`, in seconds. */
  leewaySeconds: number;
}

/**
 * Verifies a compact JWS: the header's `alg` must be the key's (never `none`), the signature
 * must match, `exp` is required and must not be past, `nbf` (when present) must be reached.
 */
export function verifyJwt(token: string, options: VerifyJwtOptions): JwtCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonPart(headerPart);
  const claims = decodeJsonPart(payloadPart);
  if (header === undefined || claims === undefined) {
    return { ok: false, reason: 'malformed token' };
  }
  if (header.alg !== options.key.alg) {
    return { ok: false, reason: `unexpected algorithm ${String(header.alg)}` };
  }
  const signingInput = `${headerPart}.${payloadPart}`;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!signatureMatches(options.key, signingInput, signature)) {
    return { ok: false, reason: 'invalid signature' };
  }
  const nowSeconds = options.nowMs / 1000;
  if (typeof claims.exp !== 'number') return { ok: false, reason: 'missing exp claim' };
  if (nowSeconds > claims.exp + options.leewaySeconds)
    return { ok: false, reason: 'token expired' };
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== 'number') return { ok: false, reason: 'invalid nbf claim' };
    if (nowSeconds < claims.nbf - options.leewaySeconds) {
      return { ok: false, reason: 'token not yet valid' };
    }
  }
  return { ok: true, claims };
}

/**
 * Signs claims as an HS256 JWT. For tests and demos: a sender of webhooks would use its own
 * JWT library.
 */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const header = base64urlJson({ alg: 'HS256', typ: 'JWT' });
  const payload = base64urlJson(claims);
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function signatureMatches(key: JwtKey, signingInput: string, signature: Buffer): boolean {
  if (key.alg === 'HS256') {
    const expected = createHmac('sha256', key.secret).update(signingInput).digest();
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }
  return verify('RSA-SHA256', Buffer.from(signingInput), key.publicKey, signature);
}

function decodeJsonPart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
