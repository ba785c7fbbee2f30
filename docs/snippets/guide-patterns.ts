import { EventEmitter } from 'node:events';
import {
  BufferedPollBridge,
  ConnectorError,
  SourceConnector,
  SourceRecord,
  TopicRouter,
  type ProducerConfig,
  type SourceRecord as Record_,
} from 'danube-connect-core';

declare const sdk: EventEmitter<{
  message: [{ topic: string; body: Buffer; nack(): void }];
  error: [Error];
}> & { pause(): void; resume(): void };

// #region router
// [[mqtt.routes]] from the TOML: MQTT filters (+, #) or globs (*, **) → Danube topics.
const router = new TopicRouter(
  [
    { from: 'sensors/+/temperature', to: '/iot/temperature', partitions: 4 },
    { from: 'sensors/#', to: '/iot/sensors', reliable_dispatch: true },
  ],
  { path: 'mqtt.routes' }, // errors name the key path
);
router.route('sensors/kitchen/temperature'); // → { topic: '/iot/temperature', partitions: 4, … }
router.route('cameras/door'); // → undefined: no route, the connector decides (skip + log)
// #endregion

// #region bridge
class BridgedSource extends SourceConnector {
  private readonly bridge = new BufferedPollBridge<Record_>({
    capacity: 10_000,
    onFull: () => sdk.pause(),
    onRoom: () => sdk.resume(),
  });

  override async initialize(): Promise<void> {
    sdk.on('message', (msg) => {
      const route = router.route(msg.topic);
      if (route === undefined) return;
      if (!this.bridge.push(SourceRecord.bytes(route.topic, msg.body))) msg.nack();
    });
    sdk.on('error', (err) =>
      this.bridge.fail(ConnectorError.retryable('sdk error', { cause: err })),
    );
  }

  override producerConfigs(): ProducerConfig[] {
    return router.producerConfigs();
  }

  override async poll(): Promise<Record_[]> {
    return this.bridge.drain();
  }
}
// #endregion

export { BridgedSource };
