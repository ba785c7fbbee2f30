import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorStore } from './cursor-store.js';
import {
  POSTGRES_START_TIMEOUT_MS,
  startLocalPostgres,
  type LocalPostgres,
} from './local-postgres.js';
import { selectAfterCursor } from './sql.js';

describe('CursorStore (against PostgreSQL)', () => {
  let postgres: LocalPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    postgres = await startLocalPostgres();
    pool = new pg.Pool({ connectionString: postgres.url, max: 1 });
  }, POSTGRES_START_TIMEOUT_MS);
  afterAll(async () => {
    await pool.end();
    await postgres.close();
  });

  it('creates its table, saves cursors per (connector, table) and never moves them back', async () => {
    const store = new CursorStore(pool, 'public.cursors', 'orders-source');
    await store.ensureTable();
    await store.ensureTable();
    expect(await store.load()).toEqual(new Map());

    await store.save(
      new Map([
        ['orders', 10n],
        ['public.refunds', 2n ** 62n],
      ]),
    );
    await store.save(new Map([['orders', 7n]]));
    await new CursorStore(pool, 'public.cursors', 'another-connector').save(
      new Map([['orders', 99n]]),
    );

    expect(await store.load()).toEqual(
      new Map([
        ['orders', 10n],
        ['public.refunds', 2n ** 62n],
      ]),
    );
  });

  it('reads rows after a cursor in cursor order, a batch at a time', async () => {
    await pool.query('CREATE TABLE "Odd Name" (id bigserial PRIMARY KEY, note text)');
    await pool.query(
      `INSERT INTO "Odd Name" (note) SELECT 'n' || i FROM generate_series(1, 5) AS i`,
    );
    const result = await pool.query<{ id: string }>(selectAfterCursor('Odd Name', 'id'), ['2', 2]);
    expect(result.rows.map((row) => row.id)).toEqual(['3', '4']);
  });
});
