import { spawn } from 'node:child_process';
import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { Offset } from '../../src/connector/offset.js';
import { SourceEnvelope } from '../../src/connector/envelope.js';
import { SourceRecord } from '../../src/connector/record.js';
import { REDACTED } from '../../src/redact.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import { awaitEvent } from '../support/await-event.js';
import { built } from '../support/built.js';
import {
  PushSource,
  coreFor,
  runtimeOptions,
  startRuntime,
  topic,
  useTestBroker,
} from './support.js';

const broker = useTestBroker();

/** A value the configuration does not declare secret: it reaches the runtime only through `secrets`. */
const SECRET = 'whsec_3xtra-S3cret';

/** Runs the fixture connector (default logger, SECRET passed as an extra secret); its stdout. */
async function childLog(): Promise<string> {
  const child = spawn(process.execPath, [built('test/fixtures/runtime/redaction-child.ts')], {
    env: { ...process.env, EXTRA_SECRET: SECRET, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await awaitEvent(
    new Promise((resolve) => child.once('exit', resolve)),
    'the redaction fixture to exit',
  );
  return stdout;
}

describe('SourceRuntime secrets option', () => {
  it('scrubs them from the lines of the default logger', async () => {
    const log = await childLog();
    expect(log).toContain(`"msg":"fatal: upstream refused key ${REDACTED}"`);
    expect(log).not.toContain(SECRET);
  }, 60_000);

  it('scrubs them from the last error served by /status', async () => {
    const source = new PushSource([topic('/default/t')]);
    const runtime = new SourceRuntime(
      source,
      coreFor(broker()),
      runtimeOptions({ http: { port: 0, host: '127.0.0.1' }, secrets: [SECRET] }),
    );
    const run = startRuntime(runtime);
    broker().faults.failNext(
      'SendMessage',
      1,
      status.UNAVAILABLE,
      `upstream refused key ${SECRET}`,
    );
    const sender = await source.sender;
    const receipt = await sender.send(
      SourceEnvelope.withOffset(SourceRecord.string('/default/t', 'm0'), Offset.of('s', 0)),
    );
    await receipt.delivered; // published on the retry
    const body = await (await fetch(`${runtime.httpUrl as string}/status`)).text();
    await run.stop();
    expect(body).not.toContain(SECRET);
    const { lastError } = JSON.parse(body) as { lastError: { message: string } };
    expect(lastError.message).toContain(`upstream refused key ${REDACTED}`);
  });
});
