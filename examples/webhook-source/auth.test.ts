import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuthenticator, type AuthRequest } from './authenticator.js';
import { parseSignatureHeader, signatureHeader, verifySignature } from './hmac-signature.js';
import { rs256Key, signHs256, verifyJwt } from './jwt.js';
import { ReplayGuard } from './replay-guard.js';
import { authSettings } from './settings.js';

const NOW_MS = 1_700_000_000_000;
const NOW_S = NOW_MS / 1000;
const body = Buffer.from('{"id":"evt_1","amount":1200}');

function request(headers: Record<string, string>, payload: Uint8Array = body): AuthRequest {
  return { headers, body: payload };
}

describe('HMAC signatures', () => {
  const verify = (header: string | undefined, nowMs = NOW_MS, timestampHeader?: string) =>
    verifySignature({
      algorithm: 'sha256',
      secret: 'whsec_test',
      header,
      timestampHeader,
      body,
      toleranceSeconds: 300,
      nowMs,
    });

  it('accepts a Stripe-style t=…,v1=… header signed over "timestamp.body"', () => {
    const result = verify(signatureHeader('sha256', 'whsec_test', NOW_S, body));
    expect(result).toMatchObject({ ok: true, timestampSeconds: NOW_S });
  });

  it('accepts sha256=<hex> with the timestamp in its own header', () => {
    const { signatures } = parseSignatureHeader(
      signatureHeader('sha256', 'whsec_test', NOW_S, body),
    );
    expect(verify(`sha256=${signatures[0]}`, NOW_MS, String(NOW_S)).ok).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(verify(signatureHeader('sha256', 'other', NOW_S, body))).toEqual({
      ok: false,
      reason: 'signature mismatch',
    });
  });

  it('refuses a signature over another body', () => {
    const header = signatureHeader('sha256', 'whsec_test', NOW_S, '{"id":"evt_2"}');
    expect(verify(header).ok).toBe(false);
  });

  it('refuses a timestamp older than the tolerance, and one too far in the future', () => {
    const stale = verify(signatureHeader('sha256', 'whsec_test', NOW_S - 301, body));
    const future = verify(signatureHeader('sha256', 'whsec_test', NOW_S + 301, body));
    expect(stale).toEqual({
      ok: false,
      reason: 'signature timestamp outside the tolerance of 300s',
    });
    expect(future.ok).toBe(false);
  });

  it('refuses a missing header or a missing timestamp', () => {
    expect(verify(undefined)).toEqual({ ok: false, reason: 'missing signature header' });
    expect(verify('v1=abcd')).toEqual({ ok: false, reason: 'missing signature timestamp' });
  });

  it('accepts any of several v1 signatures (secret rotation)', () => {
    const good = parseSignatureHeader(signatureHeader('sha256', 'whsec_test', NOW_S, body));
    expect(verify(`t=${NOW_S},v1=${'00'.repeat(32)},v1=${good.signatures[0]}`).ok).toBe(true);
  });
});

describe('ReplayGuard', () => {
  it('refuses a reserved signature until it expires, and forgets released ones', () => {
    let now = 0;
    const guard = new ReplayGuard(() => now);
    expect(guard.reserve('a', 100)).toBe(true);
    expect(guard.reserve('a', 100)).toBe(false);
    guard.release('a');
    expect(guard.reserve('a', 100)).toBe(true);
    now = 101;
    expect(guard.reserve('a', 500)).toBe(true);
  });
});

describe('JWT verification', () => {
  const key = { alg: 'HS256', secret: 'jwt-secret' } as const;
  const check = (token: string) => verifyJwt(token, { key, nowMs: NOW_MS, leewaySeconds: 0 });

  it('accepts a valid HS256 token and returns its claims', () => {
    expect(check(signHs256({ sub: 'stripe', exp: NOW_S + 60 }, 'jwt-secret'))).toEqual({
      ok: true,
      claims: { sub: 'stripe', exp: NOW_S + 60 },
    });
  });

  it('refuses expired, not-yet-valid and exp-less tokens', () => {
    expect(check(signHs256({ exp: NOW_S - 1 }, 'jwt-secret'))).toEqual({
      ok: false,
      reason: 'token expired',
    });
    expect(check(signHs256({ exp: NOW_S + 60, nbf: NOW_S + 10 }, 'jwt-secret'))).toEqual({
      ok: false,
      reason: 'token not yet valid',
    });
    expect(check(signHs256({ sub: 'x' }, 'jwt-secret'))).toEqual({
      ok: false,
      reason: 'missing exp claim',
    });
  });

  it('refuses a wrong secret, a tampered payload and alg "none"', () => {
    expect(check(signHs256({ exp: NOW_S + 60 }, 'nope'))).toEqual({
      ok: false,
      reason: 'invalid signature',
    });
    const [h, , s] = signHs256({ exp: NOW_S + 60, role: 'user' }, 'jwt-secret').split('.');
    const forged = Buffer.from(JSON.stringify({ exp: NOW_S + 60, role: 'admin' })).toString(
      'base64url',
    );
    expect(check(`${h}.${forged}.${s}`).ok).toBe(false);
    const none = Buffer.from('{"alg":"none"}').toString('base64url');
    expect(check(`${none}.${forged}.`)).toEqual({ ok: false, reason: 'unexpected algorithm none' });
  });

  it('verifies RS256 tokens with a PEM public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const header = Buffer.from('{"alg":"RS256"}').toString('base64url');
    const payload = Buffer.from(JSON.stringify({ exp: NOW_S + 60 })).toString('base64url');
    const signature = sign('RSA-SHA256', Buffer.from(`${header}.${payload}`), privateKey).toString(
      'base64url',
    );
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const result = verifyJwt(`${header}.${payload}.${signature}`, {
      key: rs256Key(pem),
      nowMs: NOW_MS,
      leewaySeconds: 0,
    });
    expect(result.ok).toBe(true);
  });
});

describe('createAuthenticator', () => {
  const env = { HOOK_SECRET: 'whsec_test', HOOK_KEY: 'k-123' };
  const now = () => NOW_MS;

  it('checks the API key header in constant time', () => {
    const auth = createAuthenticator(
      authSettings.parse({ type: 'api_key', secret_env: 'HOOK_KEY' }),
      { env },
    );
    expect(auth.verify(request({ 'x-api-key': 'k-123' })).ok).toBe(true);
    expect(auth.verify(request({ 'x-api-key': 'k-124' }))).toEqual({
      ok: false,
      reason: 'invalid API key',
    });
    expect(auth.verify(request({}))).toEqual({ ok: false, reason: 'missing x-api-key header' });
  });

  it('refuses a replayed HMAC request, but lets a sender retry one that was not accepted', () => {
    const auth = createAuthenticator(
      authSettings.parse({ type: 'hmac', secret_env: 'HOOK_SECRET' }),
      { env, now },
    );
    const signed = request({
      'x-webhook-signature': signatureHeader('sha256', 'whsec_test', NOW_S, body),
    });

    const first = auth.verify(signed);
    expect(first.ok).toBe(true);
    expect(auth.verify(signed)).toEqual({
      ok: false,
      reason: 'replayed request: this signature was already used',
    });
    if (first.ok) first.settle(false);

    const retry = auth.verify(signed);
    expect(retry.ok).toBe(true);
    if (retry.ok) retry.settle(true);
    expect(auth.verify(signed).ok).toBe(false);
  });

  it('checks Bearer JWTs', () => {
    const auth = createAuthenticator(
      authSettings.parse({ type: 'jwt', secret_env: 'HOOK_SECRET' }),
      { env, now },
    );
    const token = signHs256({ exp: NOW_S + 60 }, 'whsec_test');
    expect(auth.verify(request({ authorization: `Bearer ${token}` })).ok).toBe(true);
    expect(auth.verify(request({ authorization: token })).ok).toBe(false);
  });

  it('is a config error when the secret environment variable is unset', () => {
    const settings = authSettings.parse({ type: 'hmac', secret_env: 'MISSING_SECRET' });
    expect(() => createAuthenticator(settings, { env })).toThrow(
      /hmac authentication: environment variable MISSING_SECRET is not set/,
    );
  });

  it('needs secret_env for apikey and hmac in the settings', () => {
    const result = authSettings.safeParse({ type: 'hmac' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['secret_env'] });
  });
});
