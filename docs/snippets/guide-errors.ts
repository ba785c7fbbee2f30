import { ConnectorError, isDanubeConnectError, type SourceRuntime } from 'danube-connect-core';

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

export async function runAndReport(runtime: SourceRuntime): Promise<number> {
  // #region kinds
  try {
    await runtime.run();
    return 0;
  } catch (error) {
    if (!isDanubeConnectError(error)) throw error; // run() rejects with nothing else
    switch (error.kind) {
      case 'config':
        console.error(
          `fix ${error.keyPath ?? error.file ?? 'the configuration'}: ${error.message}`,
        );
        return 2;
      case 'unavailable':
        console.error(`Danube unreachable: ${error.message}`);
        return 1;
      default:
        console.error(`stopped (${error.kind}): ${error.message}`, { cause: error.cause });
        return 1;
    }
  }
  // #endregion
}
