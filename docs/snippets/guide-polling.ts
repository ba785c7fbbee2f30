// A polling connector for a REST API that lists events after a cursor.
import { z } from 'zod';
import {
  ConnectorError,
  Offset,
  SourceConnector,
  SourceEnvelope,
  SourceRecord,
  defineConnector,
  type ConnectorConfig,
  type ProducerConfig,
} from 'danube-connect-core';

// #region settings
const settings = z.object({
  events_api: z.object({
    base_url: z.url(),
    // Read from the API_TOKEN environment variable; redacted in every log and error.
    token: z.string().meta({ env: 'API_TOKEN', secret: true }),
    topic: z.string().default('/default/events'),
    page_size: z.number().int().positive().default(500),
  }),
});
type EventsApiSettings = z.infer<typeof settings>['events_api'];
// #endregion

interface ApiEvent {
  seq: number;
  user: string;
  action: string;
}

// #region connector
class EventsApiSource extends SourceConnector {
  private cursor = 0;

  constructor(private readonly cfg: EventsApiSettings) {
    super();
  }

  override async initialize(_core: ConnectorConfig): Promise<void> {
    const res = await fetch(`${this.cfg.base_url}/checkpoint`, { headers: this.headers() });
    if (res.status === 401) throw ConnectorError.config('events_api.token: rejected by the API');
    if (!res.ok) throw ConnectorError.fatal(`checkpoint lookup failed: HTTP ${res.status}`);
    this.cursor = ((await res.json()) as { seq: number }).seq;
  }

  override producerConfigs(): ProducerConfig[] {
    return [{ topic: this.cfg.topic, partitions: 4, reliableDispatch: true }];
  }

  override async poll(signal: AbortSignal): Promise<SourceEnvelope[]> {
    const url = `${this.cfg.base_url}/events?after=${this.cursor}&limit=${this.cfg.page_size}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: this.headers(), signal });
    } catch (err) {
      throw ConnectorError.retryable('events API unreachable', { cause: err });
    }
    if (res.status === 429 || res.status >= 500) {
      throw ConnectorError.retryable(`events API answered HTTP ${res.status}`);
    }
    const events = (await res.json()) as ApiEvent[];
    const last = events.at(-1);
    if (last !== undefined) this.cursor = last.seq;
    return events.map((event) =>
      SourceEnvelope.withOffset(
        SourceRecord.from(this.cfg.topic, event).withKey(event.user),
        Offset.of('events', event.seq),
      ),
    );
  }

  override async commit(offsets: Offset[]): Promise<void> {
    for (const offset of offsets) {
      await fetch(`${this.cfg.base_url}/checkpoint`, {
        method: 'PUT',
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body: JSON.stringify({ seq: offset.toString() }),
      });
    }
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.cfg.token}` };
  }
}
// #endregion

// #region module
export default defineConnector({
  settings,
  create: (config) => new EventsApiSource(config.events_api),
});
// #endregion
