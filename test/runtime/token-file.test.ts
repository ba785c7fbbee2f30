import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceRecord } from '../../src/connector/record.js';
import { SourceRuntime } from '../../src/runtime/source-runtime.js';
import { testCoreConfig, type CoreConfigInput } from '../../src/testing/harness/core-config.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/index.js';
import { PushSource, runtimeOptions, startRuntime, topic } from './support.js';

const TLS_DIR = fileURLToPath(new URL('../client/tls/', import.meta.url));
const tls = (name: string): string => path.join(TLS_DIR, name);

let dir: string;
let broker: EmbeddedBroker | undefined;
/** The one token the broker accepts right now. */
let accepted = 'token-1';

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'danube-token-run-'));
  accepted = 'token-1';
  broker = await startBroker({
    namespaces: ['default'],
    tls: { cert: await readFile(tls('server.pem')), key: await readFile(tls('server.key')) },
    requireToken: (token) => token === accepted,
  });
});

afterEach(async () => {
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
});

function core(danube: CoreConfigInput['danube']) {
  return testCoreConfig({
    danube_service_url: broker?.url ?? '',
    connector_name: 'rotating',
    config_dir: dir,
    retry: { retry_backoff_ms: 5, max_backoff_ms: 20 },
    danube: { tls_ca_file: tls('ca.pem'), ...danube },
  });
}

describe('a token that changes', () => {
  it('token_file rewritten while the runtime runs is picked up by the next call', async () => {
    await writeFile(path.join(dir, 'token'), 'token-1\n');
    const source = new PushSource([topic('/default/rotating')]);
    const runtime = new SourceRuntime(source, core({ token_file: 'token' }), runtimeOptions());
    const run = startRuntime(runtime);
    const sender = await source.sender;
    const first = await sender.send(SourceRecord.string('/default/rotating', 'before'));
    expect(await first.delivered).toMatchObject({ status: 'published' });

    await writeFile(path.join(dir, 'token'), 'token-2\n');
    accepted = 'token-2'; // the broker now refuses token-1
    const second = await sender.send(SourceRecord.string('/default/rotating', 'after'));
    expect(await second.delivered).toMatchObject({ status: 'published' });
    await run.stop();
    expect(broker?.messages('/default/rotating').map((m) => m.payload.toString())).toEqual([
      'before',
      'after',
    ]);
  });

  it('a supplier in code is asked per call', async () => {
    const source = new PushSource([topic('/default/supplied')]);
    const runtime = new SourceRuntime(source, core({}), runtimeOptions({ token: () => accepted }));
    const run = startRuntime(runtime);
    const sender = await source.sender;
    await (
      await sender.send(SourceRecord.string('/default/supplied', 'one'))
    ).delivered;
    accepted = 'token-3';
    await (
      await sender.send(SourceRecord.string('/default/supplied', 'two'))
    ).delivered;
    await run.stop();
    expect(broker?.messages('/default/supplied')).toHaveLength(2);
  });

  it('refuses at start-up a missing token file, or a supplier beside a configured token', async () => {
    const missing = new SourceRuntime(
      new PushSource([topic('/default/x')]),
      core({ token_file: 'absent' }),
      runtimeOptions(),
    );
    const error = await missing.run({ handleSignals: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'config' });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^danube\\.token_file: cannot read the token from ${path.join(dir, 'absent')}: .*ENOENT`,
      ),
    );

    const both = new SourceRuntime(
      new PushSource([topic('/default/x')]),
      core({ token: 'fixed' }),
      runtimeOptions({ token: () => 'supplied' }),
    );
    await expect(both.run({ handleSignals: false })).rejects.toThrow(
      'danube.token: a token supplier is also given in code (SourceRuntimeOptions.token); use one of them',
    );
  });
});
