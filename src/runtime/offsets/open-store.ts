import path from 'node:path';
import type { ConnectorConfig } from '../../config/types.js';
import type { Clock } from '../clock.js';
import { FileOffsetStore } from './file-store.js';
import type { LeaseWait } from './lease.js';
import type { ResettableOffsetStore } from './offset-store.js';
import { PostgresOffsetStore } from './postgres-store.js';
import { DanubeConnectError } from '../../errors.js';

/** Options of {@link configuredOffsetStore}. */
export interface ConfiguredStoreOptions {
  clock?: Clock;
  /** Told when start-up has to watch another process's lease before taking the lock. */
  onWait?: (wait: LeaseWait) => void;
}

/**
 * The store `[offsets]` configures, not yet locked; `undefined` for `store = "none"`. A file
 * store's `path` is relative to the configuration file's folder, like every path of the file.
 */
export function configuredOffsetStore(
  core: ConnectorConfig,
  options: ConfiguredStoreOptions = {},
): ResettableOffsetStore | undefined {
  const { offsets } = core;
  const common = {
    connector: core.connector_name,
    instance: offsets.instance_index,
    leaseMs: offsets.lock_lease_ms,
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    onWait: options.onWait,
  };
  switch (offsets.store) {
    case 'none':
      return undefined;
    case 'file':
      return new FileOffsetStore({
        ...common,
        directory: path.resolve(core.config_dir, required(offsets.path, 'path', 'file')),
      });
    case 'postgres':
      return new PostgresOffsetStore({
        ...common,
        connection: required(offsets.connection, 'connection', 'postgres'),
        table: offsets.table,
      });
  }
}

/** The loader refuses a missing key already; a config built by hand gets the same message. */
function required(value: string | undefined, key: string, store: string): string {
  if (value === undefined || value === '')
    throw new DanubeConnectError('config', `offsets.${key}: required when store = "${store}"`, {
      keyPath: `offsets.${key}`,
    });
  return value;
}
