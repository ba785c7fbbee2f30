import { status as GrpcStatus } from '@grpc/grpc-js';
import type { BrokerConnections } from './connections.js';
import { DanubeError } from './errors.js';
import { RequestIdCounter } from './request-ids.js';
import type {
  TopicLookupRequestMsg,
  TopicLookupResponseMsg,
  TopicPartitionsResponseMsg,
} from './wire.js';

/** Where a topic is served. */
export interface TopicLookupResult {
  /** Address to dial (a proxy when `proxy` is true). */
  connectUrl: string;
  /** The broker owning the topic. */
  brokerUrl: string;
  /** Whether calls go through a proxy (then `x-danube-broker-url` names the owner). */
  proxy: boolean;
}

/** Discovery calls (TopicLookup, TopicPartitions) made against the service URL. */
export class TopicDiscovery {
  private readonly requestIds = new RequestIdCounter();

  constructor(
    private readonly connections: BrokerConnections,
    private readonly serviceUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Looks up the broker serving `topic`. A topic that does not exist yet (NOT_FOUND) is
   * served by the service URL, which creates it on the first CreateProducer (the Rust
   * client does the same).
   */
  async lookup(topic: string, signal?: AbortSignal): Promise<TopicLookupResult> {
    const request: TopicLookupRequestMsg = { request_id: this.requestIds.take(), topic };
    let response: TopicLookupResponseMsg;
    try {
      response = await this.connections.unary<TopicLookupRequestMsg, TopicLookupResponseMsg>(
        { connectUrl: this.serviceUrl },
        'Discovery',
        'TopicLookup',
        request,
        { operation: 'TopicLookup', topic },
        { timeoutMs: this.timeoutMs, signal },
      );
    } catch (error) {
      if (error instanceof DanubeError && error.code === GrpcStatus.NOT_FOUND) {
        return { connectUrl: this.serviceUrl, brokerUrl: this.serviceUrl, proxy: false };
      }
      throw error;
    }
    if (response.response_type === 'Failed') {
      throw new DanubeError(
        `TopicLookup on topic ${topic} failed: the topic may not exist or the cluster is unavailable`,
        { kind: 'unavailable', topic },
      );
    }
    const connectUrl = response.connect_url || response.broker_url || this.serviceUrl;
    return {
      connectUrl,
      brokerUrl: response.broker_url || connectUrl,
      proxy: response.proxy,
    };
  }

  /** The partition topics of `topic` (the broker answers `[topic]` for a plain topic). */
  async partitions(topic: string, signal?: AbortSignal): Promise<string[]> {
    const request: TopicLookupRequestMsg = { request_id: this.requestIds.take(), topic };
    const response = await this.connections.unary<
      TopicLookupRequestMsg,
      TopicPartitionsResponseMsg
    >(
      { connectUrl: this.serviceUrl },
      'Discovery',
      'TopicPartitions',
      request,
      { operation: 'TopicPartitions', topic },
      { timeoutMs: this.timeoutMs, signal },
    );
    return response.partitions;
  }
}
