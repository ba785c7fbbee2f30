/**
 * The PostgreSQL store against PGlite over its socket server (a real server too when
 * TEST_POSTGRES_URL is set). PGlite serves every client from one backend session, which is
 * why the lock is a lease row and not an advisory lock: the row refuses here as it would on
 * any server.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  POSTGRES_START_TIMEOUT_MS,
  startLocalPostgres,
  type LocalPostgres,
} from '../../examples/postgres-source/local-postgres.js';
import { runCli } from '../../src/cli/cli.js';
import { Offset } from '../../src/connector/offset.js';
import { OffsetLockError } from '../../src/runtime/offsets/errors.js';
import type { LeaseWait } from '../../src/runtime/offsets/lease.js';
import { processNamespace } from '../../src/runtime/offsets/lock-holder.js';
import {
  PostgresOffsetStore,
  type PostgresOffsetStoreOptions,
} from '../../src/runtime/offsets/postgres-store.js';
import { toStoredOffset } from '../../src/runtime/offsets/stored-offset.js';
import { ManualClock } from '../../src/runtime/clock.js';
import { startBroker } from '../../src/testing/broker/server.js';
import { memoryIo } from '../cli/support/memory-io.js';
import { crashAndRecover, crashFixture, killWhenStored } from '../proof/support/crash-run.js';

const LEASE = 60_000;
const TABLE = 'test_offsets';
let local: LocalPostgres | undefined;
const servers: Array<{ name: string; url: () => string }> = [
  { name: 'PGlite', url: () => (local as LocalPostgres).url },
];
if (process.env.TEST_POSTGRES_URL)
  servers.push({ name: 'PostgreSQL', url: () => process.env.TEST_POSTGRES_URL as string });

beforeAll(async () => {
  local = await startLocalPostgres();
}, POSTGRES_START_TIMEOUT_MS);

afterAll(async () => {
  await local?.close();
});

describe.each(servers)('PostgresOffsetStore on $name', ({ url }) => {
  const opened: PostgresOffsetStore[] = [];
  let pool: pg.Pool;
  let connectors = 0;
  let connector = '';

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: url(), max: 1 });
  });
  afterAll(async () => {
    await pool.end();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close().catch(() => undefined)));
  });

  /** A store of this test's connector (each test has its own rows). */
  function store(extra: Partial<PostgresOffsetStoreOptions> = {}): PostgresOffsetStore {
    const s = new PostgresOffsetStore({
      connection: url(),
      table: TABLE,
      connector,
      instance: 0,
      leaseMs: LEASE,
      ...extra,
    });
    opened.push(s);
    return s;
  }

  function nextConnector(): void {
    connectors += 1;
    connector = `pg-store-${process.pid}-${connectors}`;
  }

  /** A lease row as another process would hold it. */
  async function foreignLease(holder: Record<string, unknown>, expiresInMs = LEASE): Promise<void> {
    await store().lock(); // creates the tables
    await opened.pop()?.close();
    await pool.query(
      `INSERT INTO ${TABLE}_locks (connector, instance, token, holder, acquired_at, renewed_at, renewals, expires_at)
       VALUES ($1, 0, 'their-token', $2, now(), now(), 0, now() + $3::integer * interval '1 millisecond')`,
      [
        connector,
        JSON.stringify({
          token: 'their-token',
          host: 'orders-1',
          started_at: '2026-01-01T00:00:00.000Z',
          ...holder,
        }),
        expiresInMs,
      ],
    );
  }

  async function driveUntilSettled(clock: ManualClock, task: Promise<unknown>): Promise<void> {
    let settled = false;
    void task.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < 10_000 && !settled; i += 1) await clock.advance(1000);
  }

  it('saves in one transaction, merges, and loads types and metadata through a new store', async () => {
    nextConnector();
    const first = store();
    await first.lock();
    expect(await first.load()).toEqual([]);
    await first.save([
      toStoredOffset(Offset.of('orders', 2n ** 64n)),
      toStoredOffset(Offset.withMetadata('wal', '0/16B3748', 'slot danube')),
      toStoredOffset(Offset.of('ratio', 0.1)),
    ]);
    await first.save([toStoredOffset(Offset.of('orders', 2n ** 64n + 1n))]);
    await first.close();

    const second = store();
    await second.lock();
    expect(await second.load()).toEqual([
      { partition: 'orders', type: 'bigint', value: '18446744073709551617' },
      { partition: 'ratio', type: 'number', value: '0.1' },
      { partition: 'wal', type: 'string', value: '0/16B3748', metadata: 'slot danube' },
    ]);
    await second.replace([toStoredOffset(Offset.of('orders', 1n))]);
    expect(await second.load()).toEqual([{ partition: 'orders', type: 'bigint', value: '1' }]);
    // Another instance of the same connector has offsets of its own.
    const other = store({ instance: 1 });
    await other.lock();
    expect(await other.load()).toEqual([]);
  });

  it('refuses a second live store, naming the holder', async () => {
    nextConnector();
    await store().lock();
    const error = await store()
      .lock()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OffsetLockError);
    expect((error as Error).message).toMatch(
      new RegExp(
        `^offsets of ${connector} \\(instance 0\\) in postgres .* table ${TABLE} are locked by another process \\(host .*, pid ${process.pid}, started .*; it is running\\)`,
      ),
    );
  });

  it('takes over at once the lease of a dead process in this pid namespace', async () => {
    nextConnector();
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.once('exit', resolve));
    await foreignLease({ pid: child.pid, process_namespace: processNamespace() });
    const waits: LeaseWait[] = [];
    await store({ onWait: (w) => waits.push(w) }).lock();
    expect(waits).toEqual([]);
  });

  it('takes over an expired lease at once', async () => {
    nextConnector();
    await foreignLease({ pid: 1, process_namespace: 'linux:elsewhere' }, -1000);
    await store().lock();
  });

  it('watches a live lease of another host: refused once it renews', async () => {
    nextConnector();
    await foreignLease({ pid: 1, process_namespace: 'linux:elsewhere' });
    const clock = new ManualClock();
    let waited: () => void = () => undefined;
    const waiting = new Promise<void>((resolve) => (waited = resolve));
    const locking = store({ clock, onWait: () => waited() }).lock();
    locking.catch(() => undefined);
    await waiting;
    await pool.query(
      `UPDATE ${TABLE}_locks SET renewals = renewals + 1, renewed_at = now() WHERE connector = $1`,
      [connector],
    );
    await driveUntilSettled(clock, locking);
    await expect(locking).rejects.toThrow(/host orders-1, pid 1, .*; it renewed its lease\)/);
  });

  it('watches a lease of another host: taken over when not renewed for a whole lease', async () => {
    nextConnector();
    await foreignLease({ pid: 1, process_namespace: 'linux:elsewhere' });
    const clock = new ManualClock();
    const s = store({ clock });
    const locking = s.lock();
    await driveUntilSettled(clock, locking);
    await locking;
    expect(clock.now()).toBeGreaterThanOrEqual(LEASE);
  });

  it('fences a save once another process took the lease over: nothing written', async () => {
    nextConnector();
    const s = store();
    await s.lock();
    await s.save([toStoredOffset(Offset.of('orders', 1n))]);
    await pool.query(
      `UPDATE ${TABLE}_locks SET token = 'their-token', holder = $2 WHERE connector = $1`,
      [
        connector,
        JSON.stringify({ token: 'their-token', host: 'orders-1', pid: 7, started_at: 'x' }),
      ],
    );
    const error = await s.save([toStoredOffset(Offset.of('orders', 2n))]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OffsetLockError);
    expect((error as Error).message).toMatch(
      /lost its lock to another one \(host orders-1, pid 7,/,
    );
    const { rows } = await pool.query(`SELECT offset_value FROM ${TABLE} WHERE connector = $1`, [
      connector,
    ]);
    expect(rows).toEqual([{ offset_value: '1' }]);
  });

  it('renews its lease every third of it; close() removes the row, abandon() leaves it', async () => {
    nextConnector();
    const clock = new ManualClock();
    const s = store({ clock });
    await s.lock();
    const renewals = async (): Promise<string | undefined> =>
      (
        await pool.query<{ renewals: string }>(
          `SELECT renewals FROM ${TABLE}_locks WHERE connector = $1`,
          [connector],
        )
      ).rows[0]?.renewals;
    expect(await renewals()).toBe('0');
    await clock.advance(LEASE / 3);
    await expect.poll(renewals, { timeout: 20_000 }).toBe('1');
    await s.close();
    expect(await renewals()).toBeUndefined();

    const crashed = store();
    await crashed.lock();
    crashed.abandon();
    expect(await renewals()).toBe('0');
    await store().lock(); // not held by a live store of this process any more
  });
});

describe('runtime offsets in PostgreSQL, the process SIGKILLed', () => {
  it('resume with nothing lost, past the dead holder lease', async () => {
    const broker = await startBroker({ namespaces: ['default', 'proof'] });
    const pool = new pg.Pool({ connectionString: (local as LocalPostgres).url, max: 1 });
    try {
      const summary = await crashAndRecover(broker, crashFixture(), {
        name: 'postgres-store-mid-batch',
        env: {
          CRASH_POINT: 'none',
          CRASH_STORE: 'postgres',
          CRASH_POSTGRES_URL: (local as LocalPostgres).url,
        },
        kill: killWhenStored(broker, 120),
        persisted: async () => {
          const { rows } = await pool.query<{ offset_value: string }>(
            "SELECT offset_value FROM crash_offsets WHERE connector = 'crash-proof'",
          );
          return rows[0] === undefined ? -1 : Number(rows[0].offset_value);
        },
      });
      console.log(`\nCrash consistency\n${summary}\n`);
    } finally {
      await pool.end();
      await broker.close();
    }
  }, 180_000);
});

describe('danube-connect offsets on a postgres store', () => {
  it('shows and resets the rows of the configured instance', async () => {
    const url = (local as LocalPostgres).url;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cli-pg-offsets-'));
    const config = path.join(dir, 'connector.toml');
    await writeFile(
      config,
      `danube_service_url = "http://127.0.0.1:6650"\nconnector_name = "cli-pg"\n[offsets]\nstore = "postgres"\nconnection = "${url}"\ntable = "${TABLE}"\n`,
    );
    const seeded = new PostgresOffsetStore({
      connection: url,
      table: TABLE,
      connector: 'cli-pg',
      instance: 0,
      leaseMs: LEASE,
    });
    await seeded.lock();
    await seeded.save([toStoredOffset(Offset.of('wal', '0/16B3748'))]);
    await seeded.close();
    const cli = async (...args: string[]) => {
      const { io, stdout, stderr } = memoryIo();
      const code = await runCli(['offsets', ...args, '-c', config], io);
      return { code, out: stdout.text + stderr.text };
    };
    try {
      expect(await cli('show')).toEqual({
        code: 0,
        out: `offsets of cli-pg (instance 0) in postgres ${new URL(url).host}/postgres table ${TABLE}:\n  wal  string  0/16B3748\n`,
      });
      expect((await cli('reset', '-p', 'wal', '--to', '0/FF')).code).toBe(0);
      expect((await cli('show', '--json')).out).toContain('"value": "0/FF"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
