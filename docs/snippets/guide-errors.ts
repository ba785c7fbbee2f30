import { ConnectorError } from 'danube-connect-core';

declare function query(sql: string): Promise<unknown[]>;

export async function fetchRows(): Promise<unknown[]> {
  // #region errors
  try {
    return await query('SELECT * FROM events WHERE id > $1');
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '28P01')
      throw ConnectorError.fatal('database rejected the password', { cause: err });
    if (code === '42P01')
      throw ConnectorError.config('source.table: no such table', { cause: err });
    throw ConnectorError.retryable('database query failed', { cause: err }); // retried with backoff
  }
  // #endregion
}
