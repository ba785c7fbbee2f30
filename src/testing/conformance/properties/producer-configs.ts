import { TOPIC_PATTERN } from '../../../config/core-schema.js';
import {
  validateProducerConfigs,
  type ProducerConfig,
} from '../../../connector/producer-config.js';
import type { PropertyResult } from '../errors.js';
import { declaredTopics, describeHandOver, type Evidence } from '../evidence.js';
import { errorMessage } from '../../../errors.js';

/**
 * **producer-configs**: valid topic names (`/namespace/name`), partitions ≥ 0, the
 * expected topics declared, every record for a declared topic.
 */
export function producerConfigsVerdict(evidence: Evidence): PropertyResult {
  const value = evidence.producerConfigs;
  if (value === undefined)
    return {
      property: 'producer-configs',
      status: 'skipped',
      detail: 'producerConfigs() was not reached',
    };
  try {
    validateProducerConfigs(value as ProducerConfig[]);
  } catch (error) {
    return {
      property: 'producer-configs',
      status: 'failed',
      detail: errorMessage(error),
      example: JSON.stringify(value),
    };
  }
  const declared = declaredTopics(evidence);
  const badName = [...declared.keys()].find((topic) => !TOPIC_PATTERN.test(topic));
  if (badName !== undefined) {
    return {
      property: 'producer-configs',
      status: 'failed',
      detail: `topic ${JSON.stringify(badName)} is not /namespace/name of letters, digits, "_" and "-" (the broker refuses it)`,
    };
  }
  const missing = evidence.expectedTopics.filter((t) => !declared.has(t));
  if (missing.length > 0) {
    return {
      property: 'producer-configs',
      status: 'failed',
      detail: `expected topic(s) ${missing.join(', ')} not declared by producerConfigs() (declared: ${[...declared.keys()].join(', ') || 'none'})`,
    };
  }
  const stray = evidence.handOvers.find((h) => !declared.has(h.record.topic));
  if (stray !== undefined) {
    return {
      property: 'producer-configs',
      status: 'failed',
      detail: `a record was handed over for ${stray.record.topic}, which producerConfigs() does not declare`,
      example: describeHandOver(stray),
    };
  }
  const summary = [...declared.values()].map(
    (c) =>
      `${c.topic} (${c.partitions} partition(s), ${c.reliableDispatch ? 'reliable' : 'non-reliable'})`,
  );
  return {
    property: 'producer-configs',
    status: 'passed',
    detail: summary.join(', ') || 'no topics',
  };
}
