import { z } from 'zod';

/**
 * A rate limit: a token bucket of `burst_size` refilled at `requests_per_second`, shared by
 * every client, plus one bucket per client address when `per_ip_enabled`.
 */
export const rateLimitSettings = z.object({
  requests_per_second: z.number().positive(),
  burst_size: z.number().int().positive(),
  per_ip_enabled: z.boolean().default(false),
  per_ip_requests_per_second: z.number().positive().optional(),
  /** Ours (not in the Rust connector): burst of each client's bucket; default its rate, rounded up. */
  per_ip_burst_size: z.number().int().positive().optional(),
});

/** `[server]`: where the HTTP server listens and how long it waits. */
export const serverSettings = z.object({
  /** `SERVER_HOST` overrides it (as in the Rust connector). */
  host: z.string().default('0.0.0.0').meta({ env: 'SERVER_HOST' }),
  /** `SERVER_PORT` overrides it; 0 picks a free port. */
  port: z.number().int().min(0).max(65535).default(8080).meta({ env: 'SERVER_PORT' }),
  /** Longest a request waits for its event to be durably published before a 503. */
  timeout_seconds: z.number().positive().default(30),
  /** Larger bodies are refused with 413. */
  max_body_size: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** Serve HTTPS when both are set. */
  tls_cert_path: z.string().optional(),
  tls_key_path: z.string().optional(),
  /** Ours: how long a request may wait for room in the runtime's buffer before a 503. */
  backpressure_timeout_ms: z.number().int().nonnegative().default(1000),
  /**
   * Ours: take the client address from `X-Forwarded-For` (first entry). Only behind a proxy
   * you run: otherwise any client can pick its own rate-limit bucket.
   */
  trust_proxy: z.boolean().default(false),
});

/** Authentication types; `api_key` is accepted as an alias of the Rust connector's `apikey`. */
export const authType = z
  .enum(['none', 'apikey', 'api_key', 'hmac', 'jwt'])
  .transform((type) => (type === 'api_key' ? 'apikey' : type));

/** `[auth]`: one scheme for every route. */
export const authSettings = z
  .object({
    type: authType,
    /** Name of the environment variable holding the API key, HMAC secret or JWT HS256 secret. */
    secret_env: z.string().min(1).optional(),
    /** Header carrying the API key (default `x-api-key`) or signature (default `x-webhook-signature`). */
    header: z.string().min(1).optional(),
    /** HMAC digest. */
    algorithm: z.enum(['sha256', 'sha512']).default('sha256'),
    /** Ours: timestamp header, used when the signature header has no `t=` part. */
    timestamp_header: z.string().min(1).default('x-webhook-timestamp'),
    /** Ours: signed timestamps older or newer than this are refused; also the replay window. */
    tolerance_secs: z.number().int().positive().default(300),
    /** PEM public key for RS256 JWTs (instead of `secret_env`). */
    public_key_path: z.string().min(1).optional(),
    /** Ours: clock skew allowed on JWT `exp` / `nbf`. */
    jwt_leeway_secs: z.number().int().nonnegative().default(60),
  })
  .superRefine((auth, ctx) => {
    const needsSecret = auth.type === 'apikey' || auth.type === 'hmac';
    if (needsSecret && auth.secret_env === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret_env'],
        message: `secret_env is required for ${auth.type} authentication`,
      });
    }
    if (
      auth.type === 'jwt' &&
      auth.secret_env === undefined &&
      auth.public_key_path === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['secret_env'],
        message: 'jwt authentication needs secret_env (HS256) or public_key_path (RS256)',
      });
    }
  });

/** One `[[routes]]` entry: an HTTP path and the Danube topic its events go to. */
export const routeSettings = z.object({
  from: z.string().startsWith('/', { message: "route 'from' must start with '/'" }),
  to: z.string().regex(/^\/[^/]+\/[^/]+$/, { message: 'Danube topics look like /namespace/name' }),
  partitions: z.number().int().nonnegative().default(0),
  reliable_dispatch: z.boolean().default(false),
  /** Replaces the platform-wide `[rate_limit]` for this route. */
  rate_limit: rateLimitSettings.optional(),
});

/** The webhook connector's root keys, next to the core's (`danube_service_url`, `[processing]`, …). */
export const webhookSettings = z.object({
  server: serverSettings.prefault({}),
  auth: authSettings,
  rate_limit: rateLimitSettings.optional(),
  routes: z
    .array(routeSettings)
    .min(1, { message: 'at least one [[routes]] entry is required' })
    .superRefine((routes, ctx) => {
      const seen = new Set<string>();
      routes.forEach((route, index) => {
        if (seen.has(route.from)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'from'],
            message: `duplicate route path ${route.from}`,
          });
        }
        seen.add(route.from);
      });
    }),
});

/** Parsed webhook settings (defaults filled). */
export type WebhookSettings = z.infer<typeof webhookSettings>;
/** One parsed `[[routes]]` entry. */
export type WebhookRoute = z.infer<typeof routeSettings>;
/** Parsed `[auth]`. */
export type AuthSettings = z.infer<typeof authSettings>;
