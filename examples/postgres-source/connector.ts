import pg from 'pg';
import {
  ConnectorError,
  Offset,
  SourceConnector,
  SourceEnvelope,
  SourceRecord,
  defineConnector,
  type ConnectorConfig,
  type ProducerConfig,
} from 'danube-connect-core';
import { CursorStore } from './cursor-store.js';
import { rowToJson } from './row-to-json.js';
import { settings, type PostgresSettings, type TableSettings } from './settings.js';
import { selectAfterCursor } from './sql.js';

/**
 * PostgreSQL → Danube, polling. Reads each table's new rows in batches by an increasing cursor
 * column (`WHERE id > $cursor ORDER BY id LIMIT batch`), one record per row with the row's
 * cursor value as offset. `commit` writes the published cursor to a table in the same database,
 * and a restart resumes from there: nothing is lost, and only rows read but not yet committed
 * when the connector stopped are read again.
 *
 * The cursor column must grow in commit order (one writer, or ids taken when the row becomes
 * visible); with concurrent writers a lower id can become visible after a higher one was read.
 */
export class PostgresSourceConnector extends SourceConnector {
  private pool: pg.Pool | undefined;
  private cursors: CursorStore | undefined;
  /** Cursor of the last row handed to the runtime, per table: where the next poll starts. */
  private readonly position = new Map<string, bigint>();
  private markPolling: () => void = () => {};
  /** Resolves at the first poll: the runtime created the producers, so the topics exist. */
  readonly polling = new Promise<void>((resolve) => (this.markPolling = resolve));

  constructor(private readonly settings: PostgresSettings) {
    super();
  }

  /** Connects, creates the cursor table if needed and loads the committed cursors. */
  override async initialize(core: ConnectorConfig): Promise<void> {
    const pool = new pg.Pool({
      connectionString: this.settings.url,
      password: this.settings.password,
      max: 2,
      connectionTimeoutMillis: this.settings.connect_timeout_secs * 1000,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    this.pool = pool;
    this.cursors = new CursorStore(pool, this.settings.cursor_table, core.connector_name);
    try {
      await this.cursors.ensureTable();
      const committed = await this.cursors.load();
      for (const { table } of this.settings.tables)
        this.position.set(table, committed.get(table) ?? 0n);
    } catch (cause) {
      await pool.end();
      throw ConnectorError.fatal(`cannot prepare the cursor table ${this.settings.cursor_table}`, {
        cause,
      });
    }
  }

  override producerConfigs(): ProducerConfig[] {
    return this.settings.tables.map((t) => ({
      topic: t.to,
      partitions: t.partitions,
      reliableDispatch: t.reliable_dispatch,
    }));
  }

  /** Up to `batch_size` new rows of every table, in cursor order. */
  override async poll(): Promise<SourceEnvelope[]> {
    this.markPolling();
    const envelopes: SourceEnvelope[] = [];
    for (const table of this.settings.tables) envelopes.push(...(await this.readTable(table)));
    return envelopes;
  }

  /** Saves the published cursors; the runtime passes the last contiguous offset per table. */
  override async commit(offsets: Offset[]): Promise<void> {
    const cursors = new Map(offsets.map((offset) => [offset.partition, BigInt(offset.value)]));
    try {
      await this.requireCursors().save(cursors);
    } catch (cause) {
      throw ConnectorError.retryable(`cannot save cursors to ${this.settings.cursor_table}`, {
        cause,
      });
    }
  }

  override async healthCheck(): Promise<void> {
    try {
      await this.requirePool().query('SELECT 1');
    } catch (cause) {
      throw ConnectorError.retryable('PostgreSQL is not answering', { cause });
    }
  }

  override async shutdown(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private async readTable(table: TableSettings): Promise<SourceEnvelope[]> {
    const after = this.position.get(table.table) ?? 0n;
    let rows: Array<Record<string, unknown>>;
    try {
      const result = await this.requirePool().query<Record<string, unknown>>(
        selectAfterCursor(table.table, table.cursor_column),
        [after.toString(), this.settings.batch_size],
      );
      rows = result.rows;
    } catch (cause) {
      throw queryError(table, cause);
    }
    const envelopes = rows.map((row) => {
      const cursor = cursorOf(row, table);
      const json = rowToJson(row);
      let record = SourceRecord.json(table.to, json).withAttributes({
        'postgres.table': table.table,
        'postgres.cursor': cursor.toString(),
      });
      const key = table.key_column === undefined ? null : (json[table.key_column] ?? null);
      if (key !== null)
        record = record.withKey(typeof key === 'string' ? key : JSON.stringify(key));
      return SourceEnvelope.withOffset(record, Offset.of(table.table, cursor));
    });
    const last = rows.at(-1);
    if (last !== undefined) this.position.set(table.table, cursorOf(last, table));
    return envelopes;
  }

  private requirePool(): pg.Pool {
    if (this.pool === undefined)
      throw ConnectorError.fatal('PostgreSQL pool used before initialize()');
    return this.pool;
  }

  private requireCursors(): CursorStore {
    if (this.cursors === undefined)
      throw ConnectorError.fatal('cursor store used before initialize()');
    return this.cursors;
  }
}

function cursorOf(row: Record<string, unknown>, table: TableSettings): bigint {
  const value = row[table.cursor_column];
  if (
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    (typeof value === 'string' && /^-?\d+$/.test(value))
  ) {
    return BigInt(value);
  }
  throw ConnectorError.config(
    `postgres.tables: ${table.table}.${table.cursor_column} must be an integer column, got ${JSON.stringify(value)}`,
  );
}

/** Missing tables, columns and permissions are configuration mistakes; anything else is retried. */
function queryError(table: TableSettings, cause: unknown): ConnectorError {
  const code = (cause as { code?: unknown }).code;
  const message = `reading ${table.table}: ${cause instanceof Error ? cause.message : String(cause)}`;
  if (typeof code === 'string' && (code.startsWith('42') || code === '22P02')) {
    return ConnectorError.config(message, { cause });
  }
  return ConnectorError.retryable(message, { cause });
}

/** The runnable module: `danube-connect run examples/postgres-source/connector.ts`. */
export default defineConnector({
  settings,
  create: (config) => new PostgresSourceConnector(config.postgres),
});
