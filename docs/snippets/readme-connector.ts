import { z } from 'zod';
import {
  defineConnector,
  Offset,
  SourceConnector,
  SourceEnvelope,
  SourceRecord,
} from 'danube-connect-core';

const settings = z.object({ counter: z.object({ topic: z.string(), limit: z.number().int() }) });
type CounterSettings = z.infer<typeof settings>['counter'];

class CounterSource extends SourceConnector {
  private next = 0;
  constructor(private readonly cfg: CounterSettings) {
    super();
  }
  override async initialize(): Promise<void> {}
  override producerConfigs() {
    return [{ topic: this.cfg.topic, partitions: 4, reliableDispatch: true }];
  }
  override async poll(): Promise<SourceEnvelope[]> {
    if (this.next >= this.cfg.limit) return [];
    const n = this.next++;
    const record = SourceRecord.json(this.cfg.topic, { n }).withKey(`device-${n % 8}`);
    return [SourceEnvelope.withOffset(record, Offset.of('counter', n))];
  }
}

export default defineConnector({ settings, create: (config) => new CounterSource(config.counter) });
