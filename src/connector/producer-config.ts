import { ConnectorError } from './errors.js';
import type { ResolvedSchema } from '../schema/types.js';

/**
 * A Danube topic the connector publishes to. Return one per destination topic from
 * `producerConfigs()`; the runtime creates one producer per topic and attaches the schema
 * configured for it in `[[schemas]]` (leave `schemaConfig` unset).
 *
 * @example
 * ```ts
 * producerConfigs() {
 *   return [{ topic: '/iot/sensors', partitions: 4, reliableDispatch: true }];
 * }
 * ```
 */
export interface ProducerConfig {
  /** `/namespace/name`. */
  topic: string;
  /** 0 = a plain (non-partitioned) topic; N = partitions `topic-part-0 … topic-part-(N-1)`. */
  partitions: number;
  /** Reliable dispatch (broker stores before dispatch) instead of non-reliable. */
  reliableDispatch: boolean;
  /** Filled in by the runtime from `config.core.schemas`; connectors leave it unset. */
  schemaConfig?: ResolvedSchema;
}

const TOPIC_NAME = /^\/[^/\s]+\/[^/\s]+$/;

/**
 * Checks the configs a connector returned: valid `/namespace/name` topics, whole partition
 * counts ≥ 0, a boolean dispatch flag, no topic listed twice with different settings
 * (identical duplicates are merged). Throws `ConnectorError.config` naming the entry.
 *
 * @example
 * ```ts
 * validateProducerConfigs([{ topic: '/default/events', partitions: 0, reliableDispatch: false }]);
 * ```
 */
export function validateProducerConfigs(configs: readonly ProducerConfig[]): ProducerConfig[] {
  const asUnknown: unknown = configs;
  if (!Array.isArray(asUnknown)) {
    throw ConnectorError.config('producerConfigs() must return an array of ProducerConfig');
  }
  const byTopic = new Map<string, ProducerConfig>();
  configs.forEach((config, i) => {
    const where = `producerConfigs()[${i}]`;
    if (config === null || typeof config !== 'object') {
      throw ConnectorError.config(`${where} is not an object`);
    }
    if (typeof config.topic !== 'string' || !TOPIC_NAME.test(config.topic)) {
      throw ConnectorError.config(
        `${where}.topic ${JSON.stringify(config.topic)} is not a Danube topic name "/namespace/name"`,
      );
    }
    if (!Number.isInteger(config.partitions) || config.partitions < 0) {
      throw ConnectorError.config(
        `${where}.partitions for ${config.topic} must be a whole number ≥ 0, got ${String(config.partitions)}`,
      );
    }
    if (typeof config.reliableDispatch !== 'boolean') {
      throw ConnectorError.config(
        `${where}.reliableDispatch for ${config.topic} must be a boolean`,
      );
    }
    const seen = byTopic.get(config.topic);
    if (seen === undefined) {
      byTopic.set(config.topic, { ...config });
    } else if (
      seen.partitions !== config.partitions ||
      seen.reliableDispatch !== config.reliableDispatch
    ) {
      throw ConnectorError.config(
        `${where}: topic ${config.topic} is listed twice with different partitions / reliableDispatch`,
      );
    }
  });
  return [...byTopic.values()];
}
