/**
 * Crash consistency: a connector in a child process is SIGKILLed at a chosen point,
 * restarted, and what the broker (in this process, running across the restart) holds is
 * checked against the file-backed source: nothing lost, and duplicates only from the
 * window that was published but not committed when the process died. Offsets are kept by
 * the connector itself (its own file), or by the runtime in its file store; the PostgreSQL
 * store's run is in test/offsets/postgres-store.test.ts, beside its database.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileOffsetStore } from '../../src/runtime/offsets/file-store.js';
import { startBroker, type EmbeddedBroker } from '../../src/testing/broker/server.js';
import {
  connectorOffset,
  crashAndRecover,
  crashFixture,
  killWhenStored,
  type CrashChild,
} from './support/crash-run.js';

let broker: EmbeddedBroker;
let fixture: string;
const summary: string[] = [];

beforeAll(async () => {
  broker = await startBroker({ namespaces: ['default', 'proof'] });
  fixture = crashFixture();
});

afterAll(async () => {
  await broker.close();
  console.log(`\nCrash consistency\n${summary.join('\n')}\n`);
});

function killAtPoint(point: string): (child: CrashChild) => Promise<void> {
  return async (child) => {
    expect(await child.next('point')).toMatchObject({ point });
    child.process.kill('SIGKILL');
  };
}

describe('crash consistency (SIGKILL, restart, compare broker with source)', () => {
  it('killed after publish, before commit: re-publishes only the uncommitted window', async () => {
    summary.push(
      await crashAndRecover(broker, fixture, {
        name: 'before-commit',
        env: { CRASH_POINT: 'before-commit', CRASH_AFTER: '100' },
        kill: killAtPoint('before-commit'),
        persisted: connectorOffset,
      }),
    );
  }, 180_000);

  it('killed during commit (offset written, not yet in place): resumes from the previous offset', async () => {
    summary.push(
      await crashAndRecover(broker, fixture, {
        name: 'during-commit',
        env: { CRASH_POINT: 'during-commit', CRASH_AFTER: '150' },
        kill: killAtPoint('during-commit'),
        persisted: connectorOffset,
      }),
    );
  }, 180_000);

  it('killed mid-batch (the broker holds part of a poll batch): nothing lost', async () => {
    summary.push(
      await crashAndRecover(broker, fixture, {
        name: 'mid-batch',
        env: { CRASH_POINT: 'none' },
        kill: killWhenStored(broker, 75),
        persisted: connectorOffset,
      }),
    );
  }, 180_000);

  it('runtime file store, killed mid-batch: resumes from the store, past the dead holder lock', async () => {
    summary.push(
      await crashAndRecover(broker, fixture, {
        name: 'file-store-mid-batch',
        env: { CRASH_POINT: 'none', CRASH_STORE: 'file' },
        kill: killWhenStored(broker, 120),
        persisted: async (run) => {
          const store = new FileOffsetStore({
            directory: path.join(run.dir, 'offsets'),
            connector: 'crash-proof',
            instance: 0,
            leaseMs: 10_000,
          });
          const [offset] = await store.load();
          return offset === undefined ? -1 : Number(offset.value);
        },
      }),
    );
  }, 180_000);
});
