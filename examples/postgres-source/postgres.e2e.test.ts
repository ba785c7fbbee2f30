import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  checkConnectorConformance,
  startBroker,
  type EmbeddedBroker,
  type StoredMessage,
} from 'danube-connect-core/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exampleConfig, type TomlPatch } from '../shared/example-config.js';
import { startRuntime } from '../shared/run-runtime.js';
import connectorModule, { PostgresSourceConnector } from './connector.js';
import { CursorStore } from './cursor-store.js';
import {
  POSTGRES_START_TIMEOUT_MS,
  startLocalPostgres,
  type LocalPostgres,
} from './local-postgres.js';
import { settings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));
const ORDERS = '/shop/orders';

let postgres: LocalPostgres;
let pool: pg.Pool;
let danube: EmbeddedBroker | undefined;

beforeAll(async () => {
  postgres = await startLocalPostgres();
  pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
}, POSTGRES_START_TIMEOUT_MS);

afterAll(async () => {
  await pool.end();
  await postgres.close();
});

afterEach(async () => {
  await danube?.close();
  danube = undefined;
});

function broker(): EmbeddedBroker {
  if (danube === undefined) throw new Error('no Danube broker: call prepare() first');
  return danube;
}

/** A fresh Danube broker and an orders table of its own (`table`), with `rows` rows. */
async function prepare(table: string, rows: number): Promise<void> {
  danube = await startBroker({ namespaces: ['shop'] });
  const ddl = readFileSync(join(here, 'schema.sql'), 'utf8').replaceAll('orders', table);
  await postgres.db.exec(ddl);
  await insertOrders(table, rows);
}

async function insertOrders(table: string, rows: number): Promise<void> {
  await postgres.db.query(
    `INSERT INTO ${table} (customer_id, amount_cents) SELECT 'c' || (i % 7), i * 100 FROM generate_series(1, $1::int) AS i`,
    [rows],
  );
}

/** The example's connector.toml reading `table`, against the local Postgres and Danube. */
function connectorFor(table: string, connectorName: string, patch: TomlPatch = {}) {
  const env = {
    DANUBE_SERVICE_URL: broker().url,
    POSTGRES_URL: postgres.url,
    CONNECTOR_NAME: connectorName,
  };
  const config = exampleConfig(settings, here, {
    env,
    patch: {
      processing: { poll_interval_ms: 10, batch_size: 10, batch_timeout_ms: 20 },
      ...patch,
      postgres: {
        batch_size: 10,
        tables: [
          { table, cursor_column: 'id', to: ORDERS, key_column: 'customer_id', partitions: 2 },
        ],
      },
    },
  });
  return { connector: new PostgresSourceConnector(config.postgres), core: config.core };
}

/** Every order stored on Danube (both partitions), as row ids. */
function storedIds(): number[] {
  return storedOrders().map((m) => Number((JSON.parse(m.payload.toString()) as { id: string }).id));
}

function storedOrders(): StoredMessage[] {
  return broker()
    .topics()
    .flatMap((t) => (t.startsWith(`${ORDERS}-part-`) ? broker().messages(t) : []));
}

/** Resolves once Danube holds at least `count` orders in total. */
function ordersStored(count: number): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (storedOrders().length < count) return;
      broker().off('message', check);
      resolve();
    };
    broker().on('message', check);
    check();
  });
}

async function committedCursor(connectorName: string): Promise<bigint | undefined> {
  const cursors = await new CursorStore(pool, 'danube_source_cursors', connectorName).load();
  const [cursor] = cursors.values();
  return cursor;
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('postgres-source example (PostgreSQL via PGlite, embedded Danube broker)', () => {
  it('publishes every row once with its id as offset, and resumes from the committed cursor', async () => {
    await prepare('orders_resume', 50);

    const first = connectorFor('orders_resume', 'orders-resume');
    const run1 = startRuntime(first.connector, first.core);
    await ordersStored(20);
    await run1.stop(); // mid-way: the graceful stop drains and commits what it read
    const afterFirstRun = storedIds().length;
    expect(await committedCursor('orders-resume')).toBe(BigInt(afterFirstRun));

    await insertOrders('orders_resume', 25);
    const second = connectorFor('orders_resume', 'orders-resume');
    const run2 = startRuntime(second.connector, second.core);
    await ordersStored(75);
    await run2.stop();

    expect(storedIds().sort((a, b) => a - b)).toEqual(range(1, 75));
    expect(await committedCursor('orders-resume')).toBe(75n);
    const [order] = storedOrders();
    expect(order?.attributes).toMatchObject({ 'postgres.table': 'orders_resume' });
    expect(order?.key).toMatch(/^c\d$/);
    expect(order?.schemaId).toBeDefined();
  });

  it('after commits stop working mid-run, a restart re-reads only the uncommitted rows', async () => {
    await prepare('orders_crash', 60);
    // Let commits up to id 20 through, then make them fail, as a crash after publish would.
    await new CursorStore(pool, 'danube_source_cursors', 'orders-crash').ensureTable();
    await pool.query(
      "ALTER TABLE danube_source_cursors ADD CONSTRAINT simulated_crash CHECK (connector <> 'orders-crash' OR cursor_value <= 20)",
    );

    const first = connectorFor('orders_crash', 'orders-crash', {
      retry: { max_retries: 1, retry_backoff_ms: 10, max_backoff_ms: 20 },
    });
    const run1 = startRuntime(first.connector, first.core);
    await expect(run1.finished).rejects.toThrow(/commit\(\) kept failing/);
    const published = new Set(storedIds());
    const committed = Number((await committedCursor('orders-crash')) ?? 0n);
    expect(committed).toBeLessThanOrEqual(20);

    await pool.query('ALTER TABLE danube_source_cursors DROP CONSTRAINT simulated_crash');
    const second = connectorFor('orders_crash', 'orders-crash');
    const run2 = startRuntime(second.connector, second.core);
    await ordersStored(published.size + 60 - committed);
    await run2.stop();

    const ids = storedIds();
    expect(new Set(ids)).toEqual(new Set(range(1, 60)));
    const counts = new Map<number, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const duplicated = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    // Duplicates: exactly the rows published after the last successful commit, each once more.
    expect(duplicated.sort((a, b) => a - b)).toEqual(
      [...published].filter((id) => id > committed).sort((a, b) => a - b),
    );
    expect(duplicated.length).toBeGreaterThan(0);
    expect(Math.max(...counts.values())).toBe(2);
  });

  it('passes the connector conformance kit, rows inserted while it is stopped included', async () => {
    await postgres.db.exec(readFileSync(join(here, 'schema.sql'), 'utf8'));
    const report = await checkConnectorConformance({
      module: connectorModule,
      config: readFileSync(join(here, 'connector.toml'), 'utf8'),
      configDir: here,
      env: { POSTGRES_URL: postgres.url },
      expectedTopics: [ORDERS],
      emitWhileStopped: true,
      emit: (count) => insertOrders('orders', count),
    });
    const notPassed = report.properties.filter((p) => p.status !== 'passed').map((p) => p.property);
    expect(notPassed).toEqual([]);
  });

  it('stops with a configuration error naming a table that does not exist', async () => {
    danube = await startBroker({ namespaces: ['shop'] });
    const { connector, core } = connectorFor('no_such_table', 'orders-missing');
    const run = startRuntime(connector, core);
    await expect(run.finished).rejects.toThrow(
      /reading no_such_table: relation "no_such_table" does not exist/,
    );
  });
});
