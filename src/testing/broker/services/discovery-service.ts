import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type {
  TopicLookupRequestMsg,
  TopicLookupResponseMsg,
  TopicPartitionsResponseMsg,
} from '../../../client/wire.js';
import { unary } from '../call-pipeline.js';
import type { BrokerCore } from '../core.js';
import { statusError } from '../status.js';
import { invalidTopicMessage, isValidTopicName } from '../topic-names.js';

function checkName(topic: string): void {
  if (!isValidTopicName(topic))
    throw statusError(status.INVALID_ARGUMENT, invalidTopicMessage(topic));
}

/**
 * The Discovery implementation: a single broker, so a known topic is always `Connect`
 * to this broker's URL; a topic that does not exist yet is NOT_FOUND.
 */
export function discoveryService(core: BrokerCore): UntypedServiceImplementation {
  return {
    TopicLookup: unary<TopicLookupRequestMsg, TopicLookupResponseMsg>(
      core,
      'TopicLookup',
      (req) => {
        checkName(req.topic);
        if (!core.topics.get(req.topic)) {
          throw statusError(status.NOT_FOUND, `Unable to find the requested topic: ${req.topic}`);
        }
        return {
          request_id: req.request_id,
          response_type: 'Connect',
          connect_url: core.url,
          broker_url: core.url,
          proxy: false,
        };
      },
    ),
    TopicPartitions: unary<TopicLookupRequestMsg, TopicPartitionsResponseMsg>(
      core,
      'TopicPartitions',
      (req) => {
        checkName(req.topic);
        const partitions = core.topics.get(req.topic)
          ? [req.topic]
          : core.topics.partitionsOf(req.topic);
        return { request_id: req.request_id, partitions };
      },
    ),
  };
}
