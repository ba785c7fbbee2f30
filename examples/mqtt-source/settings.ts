import { z } from 'zod';

/** MQTT quality of service of a subscription, spelled as in the Rust connector's TOML. */
export const qosName = z.enum(['AtMostOnce', 'AtLeastOnce', 'ExactlyOnce']);

/** MQTT QoS number of each name. */
export const QOS_LEVEL = { AtMostOnce: 0, AtLeastOnce: 1, ExactlyOnce: 2 } as const;

/**
 * One `[[mqtt.routes]]` entry: an MQTT topic filter (`+` one level, `#` the rest) and the
 * Danube topic its messages go to. `reliable_dispatch` defaults from the QoS, as in the Rust
 * connector: `AtMostOnce` → false, the others → true.
 */
export const mqttRoute = z
  .object({
    from: z.string().min(1),
    to: z
      .string()
      .regex(/^\/[^/]+\/[^/]+$/, { message: 'Danube topics look like /namespace/name' }),
    qos: qosName.default('AtLeastOnce'),
    partitions: z.number().int().nonnegative().default(0),
    reliable_dispatch: z.boolean().optional(),
  })
  .transform((route) => ({
    ...route,
    reliable_dispatch: route.reliable_dispatch ?? route.qos !== 'AtMostOnce',
  }));

/** `[mqtt]`: the connection to the MQTT broker and the routes. Same keys as the Rust connector. */
export const mqttSettings = z.object({
  /** `MQTT_BROKER_HOST` overrides it (as in the Rust connector). */
  broker_host: z.string().min(1).meta({ env: 'MQTT_BROKER_HOST' }),
  /** `MQTT_BROKER_PORT` overrides it. */
  broker_port: z.number().int().min(1).max(65535).default(1883).meta({ env: 'MQTT_BROKER_PORT' }),
  /** `MQTT_CLIENT_ID` overrides it. */
  client_id: z.string().min(1).meta({ env: 'MQTT_CLIENT_ID' }),
  /** Secret: set with the `MQTT_USERNAME` environment variable. */
  username: z.string().optional().meta({ env: 'MQTT_USERNAME', secret: true }),
  /** Secret: set with the `MQTT_PASSWORD` environment variable. */
  password: z.string().optional().meta({ env: 'MQTT_PASSWORD', secret: true }),
  /** `MQTT_USE_TLS` overrides it. */
  use_tls: z.boolean().default(false).meta({ env: 'MQTT_USE_TLS' }),
  keep_alive_secs: z.number().int().nonnegative().default(60),
  connection_timeout_secs: z.number().positive().default(30),
  max_packet_size: z
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** With `false`, the broker keeps the subscription and queues QoS 1/2 messages while we are away. */
  clean_session: z.boolean().default(true),
  /** Add `mqtt.topic`, `mqtt.qos`, `mqtt.retain`, `mqtt.dup` attributes to every record. */
  include_metadata: z.boolean().default(true),
  /** Accepted for compatibility; Node's MQTT client always disables Nagle's algorithm. */
  tcp_nodelay: z.boolean().default(true),
  /** Ours: first reconnect delay; doubles per failed attempt up to `reconnect_max_ms`. */
  reconnect_min_ms: z.number().int().positive().default(500),
  /** Ours: longest delay between reconnect attempts. */
  reconnect_max_ms: z.number().int().positive().default(30_000),
  routes: z.array(mqttRoute).min(1, { message: 'at least one [[mqtt.routes]] entry is required' }),
});

/** The MQTT connector's root keys: `[mqtt]`. */
export const settings = z.object({ mqtt: mqttSettings });

/** Parsed `[mqtt]` (defaults filled). */
export type MqttSettings = z.infer<typeof mqttSettings>;
/** One parsed route. */
export type MqttRoute = z.infer<typeof mqttRoute>;
