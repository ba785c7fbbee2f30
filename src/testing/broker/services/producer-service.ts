import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { danubeServices } from '../../../client/proto.js';
import type {
  DispatchStrategyName,
  MessageResponseMsg,
  ProducerRequestMsg,
  ProducerResponseMsg,
  SchemaReferenceMsg,
  StreamMessageMsg,
} from '../../../client/wire.js';
import { unary } from '../call-pipeline.js';
import type { BrokerCore } from '../core.js';
import { validateMessage } from '../message-validation.js';
import { statusError } from '../status.js';
import { invalidTopicMessage, isValidTopicName } from '../topic-names.js';
import type { TopicState } from '../topics.js';

/** The part of a payload-carrying request that may approach the receive limit. */
const SIZE_SLACK = 64 * 1024;

function checkSchemaReference(core: BrokerCore, topic: string, ref: SchemaReferenceMsg): void {
  const subject = core.registry.subject(ref.subject);
  const refuse = (reason: string): never => {
    throw statusError(
      status.FAILED_PRECONDITION,
      `Failed to assign schema '${ref.subject}' to topic '${topic}': ${reason}. Ensure schema is registered first.`,
    );
  };
  if (!subject) {
    return refuse(
      `Schema subject '${ref.subject}' not found in registry. Please register schema first.`,
    );
  }
  if (ref.version_ref === 'pinned_version' && ref.pinned_version !== undefined) {
    const pinned = ref.pinned_version;
    if (!subject.versions.some((v) => v.version === pinned)) {
      refuse(`version ${pinned} of subject '${ref.subject}' does not exist`);
    }
  }
  if (ref.version_ref === 'min_version' && ref.min_version !== undefined) {
    const minimum = ref.min_version;
    const latest = subject.versions.at(-1)?.version ?? 0;
    if (latest < minimum) {
      refuse(`subject '${ref.subject}' has no version >= ${minimum} (latest is ${latest})`);
    }
  }
}

/** The request's strategy; undefined for a number outside the enum (proto-loader keeps it). */
function knownStrategy(value: unknown): DispatchStrategyName | undefined {
  return value === 'Reliable' || value === 'NonReliable' ? value : undefined;
}

function topicForProducer(core: BrokerCore, request: ProducerRequestMsg): TopicState {
  const name = request.topic_name;
  if (!isValidTopicName(name))
    throw statusError(status.INVALID_ARGUMENT, invalidTopicMessage(name));
  const ref = request.schema_ref ?? undefined;
  const strategy = knownStrategy(request.dispatch_strategy);
  const existing = core.topics.get(name);
  if (existing) {
    // an unknown strategy number is not compared, as on the real broker
    if (strategy !== undefined && existing.dispatch !== strategy) {
      throw statusError(
        status.FAILED_PRECONDITION,
        'Producer requested dispatch strategy does not match topic strategy',
      );
    }
    if (ref) {
      if (existing.schemaSubject !== undefined && existing.schemaSubject !== ref.subject) {
        throw statusError(
          status.FAILED_PRECONDITION,
          `Topic '${name}' uses schema subject '${existing.schemaSubject}', cannot use '${ref.subject}'. Only admin can change topic schema.`,
        );
      }
      checkSchemaReference(core, name, ref);
      existing.schemaSubject = ref.subject;
    }
    return existing;
  }
  if (strategy === undefined) {
    throw statusError(status.INVALID_ARGUMENT, 'Dispatch strategy is missing');
  }
  const problem = core.topics.creationProblem(name);
  if (problem) throw problem;
  if (ref) checkSchemaReference(core, name, ref);
  const topic = core.topics.create(name, strategy);
  topic.schemaSubject = ref?.subject;
  core.events.emit('topic', name);
  return topic;
}

function createProducer(core: BrokerCore, request: ProducerRequestMsg): ProducerResponseMsg {
  const topic = topicForProducer(core, request);
  const known = core.producers.find(topic.name, request.producer_name);
  const id = known?.id ?? core.newId();
  if (!known) {
    core.producers.add({
      id,
      name: request.producer_name,
      topic: topic.name,
      dispatch: topic.dispatch,
    });
  }
  return { request_id: request.request_id, producer_id: id, producer_name: request.producer_name };
}

function publishRefused(reason: string): Error {
  return statusError(status.PERMISSION_DENIED, `Unable to publish the message: ${reason}`);
}

function sendMessage(core: BrokerCore, request: StreamMessageMsg): MessageResponseMsg {
  const producerId = request.msg_id?.producer_id ?? '0';
  const producer = core.producers.get(producerId);
  if (!producer) {
    throw statusError(status.NOT_FOUND, `The producer with id ${producerId} does not exist`);
  }
  const topicName = request.msg_id?.topic_name ?? '';
  const topic = core.topics.get(topicName);
  if (!topic) throw publishRefused(`Topic ${topicName} not found in registry`);
  const size = request.payload.length;
  if (core.maxMessageBytes !== undefined && size > core.maxMessageBytes) {
    throw statusError(
      status.INVALID_ARGUMENT,
      `Message size ${size} exceeds maximum allowed ${core.maxMessageBytes} for topic ${topicName}`,
    );
  }
  const outcome = validateMessage(
    topic,
    {
      schemaId: request.schema_id,
      schemaVersion: request.schema_version,
      payload: request.payload,
    },
    core.registry,
  );
  if (!outcome.accepted) {
    // a panicking handler resets the HTTP/2 stream: the client sees CANCELLED
    if (outcome.crashed) throw statusError(status.CANCELLED, outcome.reason);
    throw publishRefused(outcome.reason);
  }
  if (outcome.warning !== undefined) core.stats.validationWarnings++;
  if (producer.topic !== topicName) {
    throw publishRefused(
      `the producer with id ${producerId} is not attached to topic name: ${topicName}`,
    );
  }
  const stored = core.topics.append(topic, {
    payload: request.payload,
    ...(request.routing_key !== undefined && { key: request.routing_key }),
    attributes: { ...request.attributes },
    producerName: request.producer_name || producer.name,
    producerId,
    requestId: request.request_id,
    ...(request.schema_id !== undefined && { schemaId: request.schema_id }),
    ...(request.schema_version !== undefined && { schemaVersion: request.schema_version }),
    publishTime: BigInt(request.publish_time || '0'),
  });
  core.stats.storedMessages++;
  core.events.emit('message', stored);
  for (const subscription of topic.subscriptions.values()) subscription.pump();
  const lost = core.faults.takeStoreThenFail();
  if (lost !== undefined) {
    core.stats.storedThenFailed++;
    throw statusError(lost, 'injected fault: response lost after the message was stored');
  }
  return { request_id: request.request_id };
}

/** The ProducerService implementation (CreateProducer, SendMessage). */
export function producerService(core: BrokerCore): UntypedServiceImplementation {
  const definition = danubeServices().ProducerService.service;
  const sendDefinition = definition['SendMessage'];
  return {
    CreateProducer: unary<ProducerRequestMsg, ProducerResponseMsg>(core, 'CreateProducer', (req) =>
      createProducer(core, req),
    ),
    SendMessage: unary<StreamMessageMsg, MessageResponseMsg>(
      core,
      'SendMessage',
      (req) => sendMessage(core, req),
      {
        trackConcurrency: true,
        release: (send) => core.faults.releaseSendResponse(send),
        wireSize: (req) =>
          req.payload.length + SIZE_SLACK > core.maxReceiveBytes && sendDefinition
            ? sendDefinition.requestSerialize(req).length
            : undefined,
      },
    ),
  };
}
