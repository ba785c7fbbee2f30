import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { ConnectorError } from 'danube-connect-core';
import { verifySignature } from './hmac-signature.js';
import { rs256Key, verifyJwt, type JwtKey } from './jwt.js';
import { ReplayGuard } from './replay-guard.js';
import type { Clock } from './rate-limiter.js';
import type { AuthSettings } from './settings.js';

/** What an authenticator looks at: the headers and the raw body (HMAC signs the bytes). */
export interface AuthRequest {
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

/**
 * Outcome of an authentication. An accepted request may hold a replay reservation: call
 * `settle(true)` once the event was accepted (202) so the signature stays used, or
 * `settle(false)` so the sender may retry the same signed request.
 */
export type AuthResult =
  { ok: true; settle(accepted: boolean): void } | { ok: false; reason: string };

/** Checks that a webhook request comes from who it should. */
export interface Authenticator {
  verify(request: AuthRequest): AuthResult;
}

const NOTHING_TO_SETTLE = (): void => {};
const ACCEPTED: AuthResult = { ok: true, settle: NOTHING_TO_SETTLE };

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Where `secret_env` is looked up. */
  env: NodeJS.ProcessEnv;
  now?: Clock;
  /** Reads `public_key_path` (relative paths are resolved by the caller). */
  readFile?: (path: string) => Buffer;
}

/**
 * Builds the authenticator `[auth]` describes. Throws a `config` ConnectorError when the
 * secret's environment variable is unset or the public key cannot be read.
 */
export function createAuthenticator(
  auth: AuthSettings,
  options: AuthenticatorOptions,
): Authenticator {
  const now = options.now ?? Date.now;
  switch (auth.type) {
    case 'none':
      return { verify: () => ACCEPTED };
    case 'apikey':
      return apiKeyAuthenticator(auth.header ?? 'x-api-key', requireSecret(auth, options.env));
    case 'hmac':
      return hmacAuthenticator(auth, requireSecret(auth, options.env), now);
    case 'jwt':
      return jwtAuthenticator(auth, jwtKey(auth, options), now);
  }
}

function apiKeyAuthenticator(header: string, key: string): Authenticator {
  // Comparing digests keeps the comparison constant-time whatever the lengths.
  const expected = sha256(key);
  const name = header.toLowerCase();
  return {
    verify({ headers }) {
      const given = headerValue(headers, name);
      if (given === undefined) return { ok: false, reason: `missing ${name} header` };
      return timingSafeEqual(sha256(given), expected)
        ? ACCEPTED
        : { ok: false, reason: 'invalid API key' };
    },
  };
}

function hmacAuthenticator(auth: AuthSettings, secret: string, now: Clock): Authenticator {
  const header = (auth.header ?? 'x-webhook-signature').toLowerCase();
  const timestampHeader = auth.timestamp_header.toLowerCase();
  const replays = new ReplayGuard(now);
  return {
    verify({ headers, body }) {
      const check = verifySignature({
        algorithm: auth.algorithm,
        secret,
        header: headerValue(headers, header),
        timestampHeader: headerValue(headers, timestampHeader),
        body,
        toleranceSeconds: auth.tolerance_secs,
        nowMs: now(),
      });
      if (!check.ok) return { ok: false, reason: check.reason };
      // Past its tolerance the timestamp check refuses the request anyway.
      const expiresAtMs = (check.timestampSeconds + auth.tolerance_secs) * 1000;
      if (!replays.reserve(check.signature, expiresAtMs)) {
        return { ok: false, reason: 'replayed request: this signature was already used' };
      }
      return {
        ok: true,
        settle(accepted) {
          if (!accepted) replays.release(check.signature);
        },
      };
    },
  };
}

function jwtAuthenticator(auth: AuthSettings, key: JwtKey, now: Clock): Authenticator {
  return {
    verify({ headers }) {
      const authorization = headerValue(headers, 'authorization');
      if (authorization === undefined) return { ok: false, reason: 'missing authorization header' };
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (match?.[1] === undefined) {
        return { ok: false, reason: 'authorization header is not "Bearer <token>"' };
      }
      const check = verifyJwt(match[1], { key, nowMs: now(), leewaySeconds: auth.jwt_leeway_secs });
      return check.ok ? ACCEPTED : { ok: false, reason: check.reason };
    },
  };
}

function jwtKey(auth: AuthSettings, options: AuthenticatorOptions): JwtKey {
  if (auth.public_key_path !== undefined) {
    const readFile = options.readFile ?? ((path: string) => readFileSync(path));
    try {
      return rs256Key(readFile(auth.public_key_path));
    } catch (cause) {
      throw ConnectorError.config(
        `[auth] public_key_path ${auth.public_key_path}: cannot read an RSA public key`,
        { cause },
      );
    }
  }
  return { alg: 'HS256', secret: requireSecret(auth, options.env) };
}

function requireSecret(auth: AuthSettings, env: NodeJS.ProcessEnv): string {
  const name = auth.secret_env;
  const value = name === undefined ? undefined : env[name];
  if (value === undefined || value === '') {
    throw ConnectorError.config(
      `[auth] ${auth.type} authentication: environment variable ${name ?? '(secret_env unset)'} is not set`,
    );
  }
  return value;
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
