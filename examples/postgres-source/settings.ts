import { z } from 'zod';

/** A SQL identifier, optionally schema-qualified (`orders`, `public.orders`). */
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, {
  message: 'expected a SQL identifier such as orders or public.orders',
});

/** One `[[postgres.tables]]` entry: a table read in cursor order and the topic its rows go to. */
export const tableSettings = z.object({
  table: identifier,
  /** An integer column that only grows (bigserial id, sequence): rows are read in its order. */
  cursor_column: identifier.default('id'),
  to: z.string().regex(/^\/[^/]+\/[^/]+$/, { message: 'Danube topics look like /namespace/name' }),
  partitions: z.number().int().nonnegative().default(0),
  reliable_dispatch: z.boolean().default(true),
  /** Column whose value becomes the routing key (rows with the same key stay in order). */
  key_column: identifier.optional(),
});

/** `[postgres]`: the database, where cursors are kept, and the tables. */
export const postgresSettings = z.object({
  /** `postgres://user@host:5432/database` (`POSTGRES_URL` overrides it); the password comes from `POSTGRES_PASSWORD`. */
  url: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// URL' })
    .meta({ env: 'POSTGRES_URL' }),
  /** Secret: set with the `POSTGRES_PASSWORD` environment variable. */
  password: z.string().optional().meta({ env: 'POSTGRES_PASSWORD', secret: true }),
  /** Table holding each table's committed cursor; created when missing. */
  cursor_table: identifier.default('danube_source_cursors'),
  /** Most rows read from one table per poll. */
  batch_size: z.number().int().positive().default(500),
  connect_timeout_secs: z.number().positive().default(10),
  tables: z
    .array(tableSettings)
    .min(1, { message: 'at least one [[postgres.tables]] entry is required' }),
});

/** The Postgres connector's root keys: `[postgres]`. */
export const settings = z.object({ postgres: postgresSettings });

/** Parsed `[postgres]` (defaults filled). */
export type PostgresSettings = z.infer<typeof postgresSettings>;
/** One parsed `[[postgres.tables]]` entry. */
export type TableSettings = z.infer<typeof tableSettings>;
