/* global process, URL, AbortController */
// Cold-start probe: a fresh Node process that starts the runtime with a one-record
// streaming connector and prints `first-publish` when the broker acknowledged it.
// Usage: node bench/cold-start-child.mjs <dist|src> <serviceUrl> <topic>
const [base, serviceUrl, topic] = process.argv.slice(2);
const root = new URL(`../${base}/`, import.meta.url);
const ext = base === 'src' ? '.ts' : '.js';
const load = (file) => import(new URL(file.replace(/\.js$/, ext), root).href);

const { SourceRuntime } = await load('runtime/index.js');
const { SourceConnector, SourceRecord } = await load('connector/index.js');
const { testCoreConfig } = await load('testing/harness/core-config.js');

class OneRecord extends SourceConnector {
  mode() {
    return 'streaming';
  }
  async initialize() {}
  producerConfigs() {
    return [{ topic, partitions: 0, reliableDispatch: true }];
  }
  async startStreaming(sender, signal) {
    const receipt = await sender.send(SourceRecord.json(topic, { hello: 'world' }));
    await receipt.delivered;
    process.stdout.write('first-publish\n');
    stop.abort();
    if (!signal.aborted)
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
  }
}

const stop = new AbortController();
const core = testCoreConfig({
  danube_service_url: serviceUrl,
  connector_name: 'bench-cold-start',
  processing: { log_level: 'silent' },
});
await new SourceRuntime(new OneRecord(), core, { http: false }).run({
  signal: stop.signal,
  handleSignals: false,
});
