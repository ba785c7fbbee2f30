import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** PGlite compiles and initializes a whole database in WASM: slow on a busy machine. */
export const POSTGRES_START_TIMEOUT_MS = 180_000;

/** A PostgreSQL server for the demo and tests: PGlite (Postgres compiled to WASM) behind its wire-protocol server. */
export interface LocalPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`, for `pg` and the connector's `url`. */
  readonly url: string;
  /** Direct access to the same database, for seeding and inspecting without a connection. */
  readonly db: PGlite;
  close(): Promise<void>;
}

/**
 * Starts an in-process PostgreSQL on a free port. Nothing to install: the same SQL and wire
 * protocol as a real server, for the queries this connector makes.
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    db,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
