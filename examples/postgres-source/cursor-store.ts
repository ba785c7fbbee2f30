import type { Pool } from 'pg';
import { quoteIdentifier } from './sql.js';

/**
 * Keeps each table's committed cursor in a table of the same database, one row per
 * (connector, table). Saving never moves a cursor backwards.
 */
export class CursorStore {
  private readonly table: string;

  constructor(
    private readonly pool: Pool,
    cursorTable: string,
    private readonly connectorName: string,
  ) {
    this.table = quoteIdentifier(cursorTable);
  }

  /** Creates the cursor table when it does not exist yet. */
  async ensureTable(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         connector text NOT NULL,
         source_table text NOT NULL,
         cursor_value bigint NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (connector, source_table)
       )`,
    );
  }

  /** Committed cursor per source table of this connector (tables never committed are absent). */
  async load(): Promise<Map<string, bigint>> {
    const result = await this.pool.query<{ source_table: string; cursor_value: string }>(
      `SELECT source_table, cursor_value FROM ${this.table} WHERE connector = $1`,
      [this.connectorName],
    );
    return new Map(result.rows.map((row) => [row.source_table, BigInt(row.cursor_value)]));
  }

  /** Saves cursors (source table → value) in one statement. */
  async save(cursors: ReadonlyMap<string, bigint>): Promise<void> {
    if (cursors.size === 0) return;
    const values: string[] = [];
    const params: string[] = [this.connectorName];
    for (const [table, cursor] of cursors) {
      params.push(table, cursor.toString());
      values.push(`($1, $${params.length - 1}, $${params.length})`);
    }
    await this.pool.query(
      `INSERT INTO ${this.table} AS saved (connector, source_table, cursor_value)
       VALUES ${values.join(', ')}
       ON CONFLICT (connector, source_table) DO UPDATE
       SET cursor_value = GREATEST(saved.cursor_value, EXCLUDED.cursor_value), updated_at = now()`,
      params,
    );
  }
}
