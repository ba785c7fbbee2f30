/**
 * `npm run example:postgres`: PostgreSQL → Danube in one process. Starts PostgreSQL (PGlite,
 * unless POSTGRES_URL is set) with an orders table, a Danube broker (embedded, unless
 * DANUBE_SERVICE_URL is set) and the connector with connector.toml; inserts orders, prints what
 * a Danube consumer receives, restarts the connector and shows it resumes where it committed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SourceRuntime, createLogger, loadConfig } from 'danube-connect-core';
import { consumeAndPrint, demoDanube } from '../shared/demo-danube.js';
import { PostgresSourceConnector } from './connector.js';
import { CursorStore } from './cursor-store.js';
import { startLocalPostgres, type LocalPostgres } from './local-postgres.js';
import { settings } from './settings.js';

const here = dirname(fileURLToPath(import.meta.url));

const danube = await demoDanube(['shop']);
let local: LocalPostgres | undefined;
let url = process.env.POSTGRES_URL;
if (url === undefined || url === '') {
  console.log('PostgreSQL: starting PGlite in this process (set POSTGRES_URL to use yours)…');
  local = await startLocalPostgres();
  url = local.url;
}
console.log(`PostgreSQL: ${url.replace(/:[^:@/]*@/, ':***@')}`);
const db = new pg.Pool({ connectionString: url, password: process.env.POSTGRES_PASSWORD, max: 1 });
await db.query(readFileSync(join(here, 'schema.sql'), 'utf8'));

async function insertOrders(orders: Array<[customer: string, cents: number]>): Promise<void> {
  for (const [customer, cents] of orders) {
    await db.query('INSERT INTO orders (customer_id, amount_cents) VALUES ($1, $2)', [
      customer,
      cents,
    ]);
    console.log(`  → INSERT orders (${customer}, ${cents})`);
  }
}

const config = await loadConfig(settings, {
  path: join(here, 'connector.toml'),
  env: { ...process.env, DANUBE_SERVICE_URL: danube.url, POSTGRES_URL: url },
});
// Quiet unless LOG_LEVEL says otherwise (LOG_LEVEL=info tells the runtime's story).
const logger = createLogger({
  level: 'error',
  secrets: config.core.secrets,
  name: config.core.connector_name,
});

/** Runs the connector until `stop` aborts (one "process lifetime"); resolves once it polls. */
async function startConnector(stop: AbortSignal): Promise<{ stopped: Promise<void> }> {
  const connector = new PostgresSourceConnector(config.postgres);
  const stopped = new SourceRuntime(connector, config.core, { logger, http: false }).run({
    signal: stop,
  });
  await Promise.race([connector.polling, stopped]);
  return { stopped };
}

// The first run creates the topic; subscribing before any row is read means nothing is missed.
const first = new AbortController();
const firstRun = await startConnector(first.signal);
const consumer = await consumeAndPrint(danube.url, '/shop/orders', 'postgres-demo');
await insertOrders([
  ['alice', 1250],
  ['bob', 899],
  ['alice', 4000],
]);
console.log('\nA Danube consumer receives:');
await consumer.take(3);
first.abort();
await firstRun.stopped;
const cursors = await new CursorStore(
  db,
  config.postgres.cursor_table,
  config.core.connector_name,
).load();
console.log(`\nConnector stopped; committed cursor: orders.id = ${String(cursors.get('orders'))}`);

await insertOrders([
  ['carol', 15000],
  ['bob', 320],
]);
console.log('\nRestarted, it resumes after the committed cursor:');
const second = new AbortController();
const secondRun = await startConnector(second.signal);
await consumer.take(2);
second.abort();
await secondRun.stopped;

await consumer.close();
await db.end();
await local?.close();
await danube.close();
console.log('\nDone.');
