import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { Offset } from '../../src/connector/offset.js';
import { FileOffsetStore } from '../../src/runtime/offsets/file-store.js';
import { toStoredOffset, type StoredOffset } from '../../src/runtime/offsets/stored-offset.js';
import { memoryIo } from './support/memory-io.js';

let dir: string;
let config: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'cli-offsets-'));
  config = path.join(dir, 'connector.toml');
  await writeFile(
    config,
    'danube_service_url = "http://127.0.0.1:6650"\nconnector_name = "orders-source"\n\n[offsets]\nstore = "file"\npath = "state"\n',
  );
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The store the configuration names (its path is relative to the configuration's folder). */
function store(instance = 0): FileOffsetStore {
  return new FileOffsetStore({
    directory: path.join(dir, 'state'),
    connector: 'orders-source',
    instance,
    leaseMs: 10_000,
  });
}

async function seed(offsets: StoredOffset[], instance = 0): Promise<void> {
  const s = store(instance);
  await s.lock();
  await s.save(offsets);
  await s.close();
}

async function stored(instance = 0): Promise<StoredOffset[]> {
  return store(instance).load();
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const { io, stdout, stderr } = memoryIo(env);
  const code = await runCli(['offsets', ...args, '--config', config], io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('danube-connect offsets', () => {
  it('shows the offsets of the configured instance, as text or JSON', async () => {
    expect((await cli(['show'])).stdout).toContain(
      '  none (the connector starts from the beginning)',
    );
    await seed([
      toStoredOffset(Offset.of('orders', 2n ** 63n)),
      toStoredOffset(Offset.withMetadata('wal', '0/16B3748', 'slot danube')),
    ]);
    await seed([toStoredOffset(Offset.of('orders', 7n))], 2);

    const text = await cli(['show']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      `offsets of orders-source (instance 0) in file ${path.join(dir, 'state', 'orders-source.0.offsets.json')}:\n` +
        '  orders  bigint  9223372036854775808\n' +
        '  wal     string  0/16B3748  (metadata "slot danube")\n',
    );
    const json = await cli(['show', '--json'], {
      CONNECTOR_INSTANCE_INDEX: '2',
      CONNECTOR_INSTANCE_COUNT: '3',
    });
    expect(JSON.parse(json.stdout)).toEqual([{ partition: 'orders', type: 'bigint', value: '7' }]);
  });

  it('resets one partition to a value of its stored type, and forgets one or all', async () => {
    await seed([
      toStoredOffset(Offset.of('orders', 900n)),
      toStoredOffset(Offset.of('refunds', 5)),
    ]);

    const to = await cli(['reset', '--partition', 'orders', '--to', '41000']);
    expect(to).toMatchObject({
      code: 0,
      stdout: 'orders: bigint 900 → bigint 41000: the connector resumes after it\n',
    });
    expect(await stored()).toEqual([
      { partition: 'orders', type: 'bigint', value: '41000' },
      { partition: 'refunds', type: 'number', value: '5' },
    ]);

    const forget = await cli(['reset', '-p', 'refunds']);
    expect(forget.stdout).toBe(
      'refunds: forgot number 5: the connector reads it from the beginning\n',
    );
    expect((await stored()).map((o) => o.partition)).toEqual(['orders']);

    const all = await cli(['reset']);
    expect(all.stdout).toMatch(
      /^forgot 1 offset\(s\) of orders-source \(instance 0\) in file .*: the connector starts from the beginning\n$/,
    );
    expect(await stored()).toEqual([]);
  });

  it('needs --type for a partition without an offset, and checks --to against it', async () => {
    const untyped = await cli(['reset', '--partition', 'wal', '--to', '0/AB']);
    expect(untyped.code).toBe(2);
    expect(untyped.stderr).toContain('partition "wal" has no offset in orders-source (instance 0)');
    expect(untyped.stderr).toContain('say the type of --to with --type bigint, number or string');

    expect((await cli(['reset', '-p', 'wal', '--to', '0/AB', '--type', 'string'])).code).toBe(0);
    expect((await cli(['reset', '-p', 'lag', '--to', '1e3', '--type', 'number'])).code).toBe(0);
    const bad = await cli(['reset', '-p', 'seq', '--to', '1.5', '--type', 'bigint']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--to 1.5: expected an integer, got "1.5" (type bigint)');
    expect(await stored()).toEqual([
      { partition: 'wal', type: 'string', value: '0/AB' },
      { partition: 'lag', type: 'number', value: '1000' },
    ]);
  });

  it('refuses while a running instance holds the lock, naming it, and changes nothing', async () => {
    await seed([toStoredOffset(Offset.of('orders', 1n))]);
    const running = store();
    await running.lock();
    try {
      for (const args of [['show'], ['reset']]) {
        const result = await cli(args);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(
          new RegExp(
            `^danube-connect offsets: offsets of orders-source \\(instance 0\\) in .* are locked by another process \\(host ${os.hostname()}, pid ${process.pid}, `,
          ),
        );
      }
    } finally {
      await running.close();
    }
    expect(await stored()).toEqual([{ partition: 'orders', type: 'bigint', value: '1' }]);
  });

  it('refuses a configuration without a store, and arguments that do not fit', async () => {
    await writeFile(config, 'danube_service_url = "http://127.0.0.1:6650"\nconnector_name = "x"\n');
    const none = await cli(['show']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('offsets.store = "none": the runtime keeps no offsets');
    expect((await cli([])).stderr).toContain('missing show or reset');
    expect((await cli(['show', '--partition', 'a'])).code).toBe(2);
    expect((await cli(['reset', '--to', '1'])).stderr).toContain('--to needs --partition');
    expect((await cli(['reset', '-p', 'a', '--to', '1', '--type', 'int'])).stderr).toContain(
      '--type must be one of bigint, number, string, got "int"',
    );
  });
});
