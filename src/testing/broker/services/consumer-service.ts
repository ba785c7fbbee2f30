import {
  status,
  type UntypedServiceImplementation,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import type {
  AckRequestMsg,
  AckResponseMsg,
  ConsumerRequestMsg,
  ConsumerResponseMsg,
  NackRequestMsg,
  ReceiveRequestMsg,
  StreamMessageMsg,
} from '../../../client/wire.js';
import { serverStream, unary } from '../call-pipeline.js';
import type { BrokerCore } from '../core.js';
import { statusError } from '../status.js';
import { ConsumerState, Subscription, type ConsumerSession } from '../subscriptions.js';
import { invalidTopicMessage, isValidTopicName } from '../topic-names.js';
import type { StoredMessage } from '../types.js';

function subscribe(core: BrokerCore, req: ConsumerRequestMsg): ConsumerResponseMsg {
  const topicName = req.topic_name;
  if (!isValidTopicName(topicName)) {
    throw statusError(status.INVALID_ARGUMENT, invalidTopicMessage(topicName));
  }
  const topic = core.topics.get(topicName);
  if (!topic) throw statusError(status.NOT_FOUND, `Unable to find the topic: ${topicName}`);
  let subscription = topic.subscriptions.get(req.subscription);
  if (!subscription) {
    subscription = new Subscription(
      req.subscription,
      req.subscription_type,
      topic,
      core.maxUnackedMessages,
    );
    topic.subscriptions.set(req.subscription, subscription);
  }
  const known = subscription.consumerNamed(req.consumer_name);
  if (known) {
    // the real broker takes over at subscribe: the old stream is cancelled
    const session = known.session;
    if (session) {
      subscription.disconnect(known, session);
      session.end();
    }
    known.active = true;
    return { request_id: req.request_id, consumer_id: known.id, consumer_name: req.consumer_name };
  }
  if (subscription.refuses(req.consumer_name)) {
    throw statusError(
      status.PERMISSION_DENIED,
      `Not able to subscribe to the topic ${topicName} due to Not allowed to add the Consumer: ${req.consumer_name}, the Exclusive subscription can't be shared with other consumers`,
    );
  }
  const consumer = new ConsumerState(
    core.newId(),
    req.consumer_name,
    subscription,
    req.key_filters,
  );
  subscription.add(consumer);
  core.consumers.set(consumer.id, consumer);
  return { request_id: req.request_id, consumer_id: consumer.id, consumer_name: req.consumer_name };
}

/**
 * A stored message as the real broker streams it: the producer's request id and (empty)
 * subscription name passed through, offset 0 on non-reliable topics (nothing is stored).
 */
function toWire(
  core: BrokerCore,
  message: StoredMessage,
  subscription: Subscription,
): StreamMessageMsg {
  const stored = subscription.topic.dispatch === 'Reliable';
  return {
    request_id: message.requestId,
    msg_id: {
      producer_id: message.producerId,
      topic_name: message.topic,
      broker_addr: core.url,
      topic_offset: stored ? message.offset.toString() : '0',
    },
    payload: message.payload,
    publish_time: message.publishTime.toString(),
    producer_name: message.producerName,
    subscription_name: '',
    attributes: message.attributes,
    ...(message.schemaId !== undefined && { schema_id: message.schemaId }),
    ...(message.schemaVersion !== undefined && { schema_version: message.schemaVersion }),
    ...(message.key !== undefined && { routing_key: message.key }),
  };
}

function receiveMessages(
  core: BrokerCore,
  call: ServerWritableStream<ReceiveRequestMsg, StreamMessageMsg>,
): void {
  const consumer = core.consumers.get(call.request.consumer_id);
  if (!consumer) {
    throw statusError(
      status.NOT_FOUND,
      `The consumer with the id ${call.request.consumer_id} does not exist`,
    );
  }
  let open = true;
  const session: ConsumerSession = {
    deliver: (message, subscription) => {
      if (open) call.write(toWire(core, message, subscription));
    },
    end: () => {
      if (!open) return;
      open = false;
      call.end();
    },
  };
  const announce = (connected: boolean): void => {
    core.events.emit('consumer', {
      id: consumer.id,
      name: consumer.name,
      topic: consumer.subscription.topic.name,
      subscription: consumer.subscription.name,
      connected,
    });
  };
  let announcedEnd = false;
  const closed = (): void => {
    open = false;
    consumer.subscription.disconnect(consumer, session);
    if (!announcedEnd) {
      announcedEnd = true;
      announce(false);
    }
  };
  call.on('cancelled', closed);
  call.on('close', closed);
  call.on('error', closed);
  consumer.subscription.connect(consumer, session);
  announce(true);
}

function subscriptionFor(
  core: BrokerCore,
  req: AckRequestMsg,
  what: string,
): { sub: Subscription; offset: bigint } {
  const msgId = req.msg_id;
  if (!msgId) {
    // the real broker's handler panics on a missing msg_id: the stream is reset
    throw statusError(status.CANCELLED, `${what}: the request has no msg_id`);
  }
  const topic = core.topics.get(msgId.topic_name);
  if (!topic) {
    throw statusError(status.INTERNAL, `${what}: Topic ${msgId.topic_name} not found in registry`);
  }
  const sub = topic.subscriptions.get(req.subscription_name);
  if (!sub) throw statusError(status.INTERNAL, `${what}: Subscription not found`);
  return { sub, offset: BigInt(msgId.topic_offset) };
}

/** The ConsumerService implementation (Subscribe, ReceiveMessages, Ack, Nack). */
export function consumerService(core: BrokerCore): UntypedServiceImplementation {
  return {
    Subscribe: unary<ConsumerRequestMsg, ConsumerResponseMsg>(core, 'Subscribe', (req) =>
      subscribe(core, req),
    ),
    ReceiveMessages: serverStream<ReceiveRequestMsg, StreamMessageMsg>(
      core,
      'ReceiveMessages',
      (call) => receiveMessages(core, call),
    ),
    Ack: unary<AckRequestMsg, AckResponseMsg>(core, 'Ack', (req) => {
      const { sub, offset } = subscriptionFor(core, req, 'Error acknowledging message');
      sub.ack(offset);
      return { request_id: req.request_id };
    }),
    Nack: unary<NackRequestMsg, AckResponseMsg>(core, 'Nack', (req) => {
      const { sub, offset } = subscriptionFor(core, req, 'Error negatively acknowledging message');
      sub.nack(offset, Number(req.delay_ms ?? '0'));
      return { request_id: req.request_id };
    }),
  };
}
