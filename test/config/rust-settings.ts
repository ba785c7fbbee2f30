import { z } from 'zod';

/** Zod schema of the Rust MQTT source's `[mqtt]` section (field names and defaults as upstream). */
export const mqttSettings = z.object({
  mqtt: z.object({
    broker_host: z.string().meta({ env: 'MQTT_BROKER_HOST' }),
    broker_port: z.int().min(1).max(65535).default(1883).meta({ env: 'MQTT_BROKER_PORT' }),
    client_id: z.string().meta({ env: 'MQTT_CLIENT_ID' }),
    username: z.string().optional().meta({ env: 'MQTT_USERNAME' }),
    password: z.string().optional().meta({ env: 'MQTT_PASSWORD', secret: true }),
    use_tls: z.boolean().default(false).meta({ env: 'MQTT_USE_TLS' }),
    keep_alive_secs: z.int().min(1).default(60),
    connection_timeout_secs: z.int().min(1).default(30),
    max_packet_size: z
      .int()
      .min(1)
      .default(10 * 1024 * 1024),
    clean_session: z.boolean().default(true),
    include_metadata: z.boolean().default(true),
    tcp_nodelay: z.boolean().default(true),
    routes: z
      .array(
        z.object({
          from: z.string(),
          to: z.string(),
          qos: z.enum(['AtMostOnce', 'AtLeastOnce', 'ExactlyOnce']).default('AtLeastOnce'),
          partitions: z.int().min(0).default(0),
          reliable_dispatch: z.boolean().optional(),
        }),
      )
      .min(1),
  }),
});

const rateLimit = z.object({
  requests_per_second: z.int().min(1),
  burst_size: z.int().min(1),
  per_ip_enabled: z.boolean().default(false),
  per_ip_requests_per_second: z.int().min(1).optional(),
});

/** Zod schema of the Rust webhook source's root sections. */
export const webhookSettings = z.object({
  server: z.object({
    host: z.string().default('0.0.0.0').meta({ env: 'SERVER_HOST' }),
    port: z.int().min(1).max(65535).default(8080).meta({ env: 'SERVER_PORT' }),
    tls_cert_path: z.string().optional(),
    tls_key_path: z.string().optional(),
    timeout_seconds: z.int().min(1).default(30),
    max_body_size: z
      .int()
      .min(1)
      .default(1024 * 1024),
  }),
  auth: z.object({
    type: z.enum(['none', 'apikey', 'hmac', 'jwt']),
    secret_env: z.string().optional(),
    header: z.string().optional(),
    algorithm: z.string().optional(),
    public_key_path: z.string().optional(),
  }),
  rate_limit: rateLimit.optional(),
  routes: z
    .array(
      z.object({
        from: z.string(),
        to: z.string(),
        partitions: z.int().min(0).default(0),
        reliable_dispatch: z.boolean().default(false),
        rate_limit: rateLimit.optional(),
      }),
    )
    .min(1),
});
