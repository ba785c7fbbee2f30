// A streaming connector: an event emitter SDK pushes events; each is acknowledged upstream
// only once Danube stored it.
import { EventEmitter } from 'node:events';
import {
  SourceConnector,
  SourceRecord,
  RuntimeStoppingError,
  type ProducerConfig,
  type SourceMode,
  type SourceSender,
} from 'danube-connect-core';

/** Stand-in for a vendor SDK that delivers events through callbacks. */
interface UpstreamEvent {
  id: string;
  device: string;
  body: Record<string, string>;
  ack(): void;
  nack(): void;
}
declare const upstream: EventEmitter<{ event: [UpstreamEvent]; error: [Error] }> & {
  connected: boolean;
  close(): Promise<void>;
};

// #region connector
class DeviceEventsSource extends SourceConnector {
  override mode(): SourceMode {
    return 'streaming';
  }

  override async initialize(): Promise<void> {}

  override producerConfigs(): ProducerConfig[] {
    return [{ topic: '/iot/events', partitions: 8, reliableDispatch: true }];
  }

  override async startStreaming(sender: SourceSender, signal: AbortSignal): Promise<void> {
    const onEvent = (event: UpstreamEvent): void => {
      const record = SourceRecord.json('/iot/events', event.body)
        .withKey(event.device) // same device → same partition → in order
        .withAttribute('event.id', event.id);
      sender
        .send(record) // waits while the runtime's buffer is full: backpressure
        .then((receipt) => receipt.delivered) // settles after durable publish
        .then(
          () => event.ack(),
          (err: unknown) => {
            if (!(err instanceof RuntimeStoppingError)) console.warn('not published', err);
            event.nack(); // upstream redelivers it later
          },
        );
    };
    upstream.on('event', onEvent);
    signal.addEventListener('abort', () => upstream.off('event', onEvent), { once: true });
  }

  override async healthCheck(): Promise<void> {
    if (!upstream.connected) throw new Error('upstream disconnected');
  }

  override async shutdown(): Promise<void> {
    await upstream.close();
  }
}
// #endregion

export { DeviceEventsSource };
