import type { Pool, PoolClient } from 'pg';
import { realClock, type Clock, type TimerHandle } from '../clock.js';
import { OffsetLockError } from './errors.js';
import { acquireLease, type LeaseOutcome, type LeaseWait } from './lease.js';
import {
  describeHolder,
  holderOf,
  holderState,
  markHeld,
  newHolderRecord,
  parseHolderRecord,
  type HolderRecord,
} from './lock-holder.js';
import type { OffsetScope, ResettableOffsetStore } from './offset-store.js';
import { parseStoredOffset, type StoredOffset } from './stored-offset.js';
import { DanubeConnectError } from '../../errors.js';

/** Options of {@link PostgresOffsetStore}. */
export interface PostgresOffsetStoreOptions extends OffsetScope {
  /** `offsets.connection`. */
  connection: string;
  /** `offsets.table`, optionally schema-qualified; the lock rows go to `<table>_locks`. */
  table: string;
  /** `offsets.lock_lease_ms`. */
  leaseMs: number;
  clock?: Clock;
  onWait?: ((wait: LeaseWait) => void) | undefined;
}

/** `"schema"."name"` from `schema.name`. */
function quoteIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

/** `host:port/database` of a connection URL, never its credentials. */
function describeConnection(connection: string): string {
  try {
    const url = new URL(connection);
    return `${url.host}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

/** `pg`, an optional peer dependency: only this store needs it. */
async function loadPg(): Promise<typeof import('pg').default> {
  try {
    return (await import('pg')).default;
  } catch (error) {
    throw new DanubeConnectError(
      'config',
      'offsets.store = "postgres" needs the pg package, an optional peer dependency of danube-connect-core: npm install pg',
      { cause: error, keyPath: 'offsets.store' },
    );
  }
}

/** Errors of concurrent `CREATE TABLE IF NOT EXISTS` (the other creator won): nothing to do. */
const ALREADY_CREATED = new Set(['23505', '42P07']);

/**
 * Offsets in a PostgreSQL table, one row per (connector, instance, partition), after
 * Debezium Server's JDBC offset store. Every save is one transaction: it renews this
 * instance's lease row (which fails, and fences the save, when another process took the lock
 * over) and upserts the partitions' rows.
 *
 * The lock is a lease row in `<table>_locks` (not an advisory lock: those belong to a session,
 * and PGlite, connection poolers such as PgBouncer in transaction mode, and some proxies share
 * sessions between clients). Its expiry is computed by the database's clock; a holder in this
 * process's pid namespace whose pid is gone is taken over at once, others when their lease
 * expired or they stopped renewing for a whole lease.
 */
export class PostgresOffsetStore implements ResettableOffsetStore {
  readonly description: string;
  readonly #options: PostgresOffsetStoreOptions;
  readonly #clock: Clock;
  readonly #offsetsTable: string;
  readonly #locksTable: string;
  readonly #what: string;
  #pool: Pool | undefined;
  #record: HolderRecord | undefined;
  #timer: TimerHandle | undefined;

  constructor(options: PostgresOffsetStoreOptions) {
    this.#options = options;
    this.#clock = options.clock ?? realClock;
    this.#offsetsTable = quoteIdentifier(options.table);
    this.#locksTable = quoteIdentifier(`${options.table}_locks`);
    this.description = `postgres ${describeConnection(options.connection)} table ${options.table}`;
    this.#what = `offsets of ${options.connector} (instance ${options.instance}) in ${this.description}`;
  }

  async lock(): Promise<void> {
    const pool = await this.#connect();
    await this.#createTables(pool);
    const record = newHolderRecord();
    await acquireLease({
      clock: this.#clock,
      leaseMs: this.#options.leaseMs,
      what: this.#what,
      onWait: this.#options.onWait,
      attempt: (staleMark) => this.#attempt(pool, record, staleMark),
    });
    this.#record = record;
    markHeld(record.token, true);
    this.#scheduleRenewal();
  }

  async load(): Promise<StoredOffset[]> {
    const pool = await this.#connect();
    const { rows } = await pool.query<{
      offset_partition: string;
      value_type: string;
      offset_value: string;
      metadata: unknown;
    }>(
      `SELECT offset_partition, value_type, offset_value, metadata FROM ${this.#offsetsTable}
       WHERE connector = $1 AND instance = $2 ORDER BY offset_partition`,
      [this.#options.connector, this.#options.instance],
    );
    return rows.map((row) =>
      parseStoredOffset(
        {
          partition: row.offset_partition,
          type: row.value_type,
          value: row.offset_value,
          ...(row.metadata === null ? {} : { metadata: row.metadata }),
        },
        `${this.#options.table}: partition "${row.offset_partition}"`,
      ),
    );
  }

  async save(offsets: readonly StoredOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.#fencedTransaction(async (client) => this.#upsert(client, offsets));
  }

  async replace(offsets: readonly StoredOffset[]): Promise<void> {
    await this.#fencedTransaction(async (client) => {
      await client.query(
        `DELETE FROM ${this.#offsetsTable} WHERE connector = $1 AND instance = $2`,
        [this.#options.connector, this.#options.instance],
      );
      if (offsets.length > 0) await this.#upsert(client, offsets);
    });
  }

  async close(): Promise<void> {
    this.#stopRenewal();
    const record = this.#record;
    this.#record = undefined;
    const pool = this.#pool;
    this.#pool = undefined;
    if (pool === undefined) return;
    try {
      if (record !== undefined) {
        markHeld(record.token, false);
        await pool.query(
          `DELETE FROM ${this.#locksTable} WHERE connector = $1 AND instance = $2 AND token = $3`,
          [this.#options.connector, this.#options.instance, record.token],
        );
      }
    } finally {
      await pool.end();
    }
  }

  abandon(): void {
    this.#stopRenewal();
    if (this.#record !== undefined) markHeld(this.#record.token, false);
    this.#record = undefined;
    const pool = this.#pool;
    this.#pool = undefined;
    void pool?.end().catch(() => undefined);
  }

  async #connect(): Promise<Pool> {
    if (this.#pool !== undefined) return this.#pool;
    const pg = await loadPg();
    const pool = new pg.Pool({
      connectionString: this.#options.connection,
      max: 2,
      connectionTimeoutMillis: 10_000,
    });
    // An idle connection that breaks must not crash the process; the next query reconnects.
    pool.on('error', () => undefined);
    this.#pool = pool;
    return pool;
  }

  async #createTables(pool: Pool): Promise<void> {
    const statements = [
      `CREATE TABLE IF NOT EXISTS ${this.#offsetsTable} (
         connector text NOT NULL,
         instance integer NOT NULL,
         offset_partition text NOT NULL,
         value_type text NOT NULL,
         offset_value text NOT NULL,
         metadata text,
         saved_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (connector, instance, offset_partition)
       )`,
      `CREATE TABLE IF NOT EXISTS ${this.#locksTable} (
         connector text NOT NULL,
         instance integer NOT NULL,
         token text NOT NULL,
         holder jsonb NOT NULL,
         acquired_at timestamptz NOT NULL,
         renewed_at timestamptz NOT NULL,
         renewals bigint NOT NULL DEFAULT 0,
         expires_at timestamptz NOT NULL,
         PRIMARY KEY (connector, instance)
       )`,
    ];
    for (const statement of statements) {
      try {
        await pool.query(statement);
      } catch (error) {
        if (!ALREADY_CREATED.has(String((error as { code?: unknown }).code))) throw error;
      }
    }
  }

  /**
   * Inserts this holder's lease row, or takes over an expired one, or one whose holder is
   * known dead (`breakToken`), or one still at `breakMark` after a lease of watching.
   */
  async #attempt(
    pool: Pool,
    record: HolderRecord,
    staleMark: string | undefined,
  ): Promise<LeaseOutcome> {
    const { connector, instance, leaseMs } = this.#options;
    let breakMark = staleMark;
    let breakToken: string | undefined;
    for (;;) {
      const taken = await pool.query(
        `INSERT INTO ${this.#locksTable} AS held
           (connector, instance, token, holder, acquired_at, renewed_at, renewals, expires_at)
         VALUES ($1, $2, $3, $4, now(), now(), 0, now() + $5 * interval '1 millisecond')
         ON CONFLICT (connector, instance) DO UPDATE
           SET token = EXCLUDED.token, holder = EXCLUDED.holder, acquired_at = now(),
               renewed_at = now(), renewals = 0, expires_at = EXCLUDED.expires_at
           WHERE held.expires_at <= now()
              OR held.token = $6
              OR held.token || '@' || held.renewals = $7
         RETURNING held.token`,
        [
          connector,
          instance,
          record.token,
          JSON.stringify(record),
          leaseMs,
          breakToken ?? null,
          breakMark ?? null,
        ],
      );
      if (taken.rowCount === 1) return { status: 'acquired' };
      breakMark = undefined;
      breakToken = undefined;
      const { rows } = await pool.query<{ token: string; holder: unknown; renewals: string }>(
        `SELECT token, holder, renewals FROM ${this.#locksTable} WHERE connector = $1 AND instance = $2`,
        [connector, instance],
      );
      const row = rows[0];
      if (row === undefined) continue; // released meanwhile
      const holder = parseHolderRecord(row.holder);
      const mark = `${row.token}@${row.renewals}`;
      const state = holder === undefined ? 'unknown' : holderState(holder);
      if (state === 'dead') {
        breakToken = row.token;
        continue;
      }
      if (state === 'alive') return { status: 'alive', holder };
      return { status: 'held', holder, mark };
    }
  }

  /** Runs `work` in a transaction that first renews (and so checks) this holder's lease. */
  async #fencedTransaction(work: (client: PoolClient) => Promise<void>): Promise<void> {
    const record = this.#record;
    if (record === undefined)
      throw new DanubeConnectError('internal', `${this.#what}: the lock is not taken`);
    const pool = await this.#connect();
    const client = await pool.connect();
    let failed = false;
    try {
      await client.query('BEGIN');
      const renewed = await this.#renewWith(client, record);
      if (!renewed) {
        const { rows } = await client.query<{ holder: unknown }>(
          `SELECT holder FROM ${this.#locksTable} WHERE connector = $1 AND instance = $2`,
          [this.#options.connector, this.#options.instance],
        );
        const holder = parseHolderRecord(rows[0]?.holder);
        const other = holder === undefined ? undefined : holderOf(holder);
        throw new OffsetLockError(
          `${this.#what}: this process lost its lock to another one (${rows[0] === undefined ? 'the lease row is gone' : describeHolder(other)}); its lease was not renewed in time`,
          other,
        );
      }
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A connection that failed mid-transaction is not reused.
      client.release(failed);
    }
  }

  async #upsert(client: PoolClient, offsets: readonly StoredOffset[]): Promise<void> {
    const params: unknown[] = [this.#options.connector, this.#options.instance];
    const rows: string[] = [];
    for (const offset of offsets) {
      params.push(offset.partition, offset.type, offset.value, offset.metadata ?? null);
      const n = params.length;
      rows.push(`($1, $2, $${n - 3}, $${n - 2}, $${n - 1}, $${n}, now())`);
    }
    await client.query(
      `INSERT INTO ${this.#offsetsTable}
         (connector, instance, offset_partition, value_type, offset_value, metadata, saved_at)
       VALUES ${rows.join(', ')}
       ON CONFLICT (connector, instance, offset_partition) DO UPDATE
         SET value_type = EXCLUDED.value_type, offset_value = EXCLUDED.offset_value,
             metadata = EXCLUDED.metadata, saved_at = EXCLUDED.saved_at`,
      params,
    );
  }

  async #renewWith(client: Pool | PoolClient, record: HolderRecord): Promise<boolean> {
    const result = await client.query(
      `UPDATE ${this.#locksTable}
         SET renewed_at = now(), renewals = renewals + 1,
             expires_at = now() + $4 * interval '1 millisecond'
       WHERE connector = $1 AND instance = $2 AND token = $3`,
      [this.#options.connector, this.#options.instance, record.token, this.#options.leaseMs],
    );
    return result.rowCount === 1;
  }

  #scheduleRenewal(): void {
    const { leaseMs } = this.#options;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        const record = this.#record;
        const pool = this.#pool;
        if (record === undefined || pool === undefined) return;
        void this.#renewWith(pool, record).then(
          (renewed) => {
            // A lost lease is reported by the next save; a failed renewal is tried again.
            if (renewed && this.#record === record) this.#scheduleRenewal();
          },
          () => {
            if (this.#record === record) this.#scheduleRenewal();
          },
        );
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    );
  }

  #stopRenewal(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
