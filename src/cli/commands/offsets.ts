import { z } from 'zod';
import { ConfigError, formatProblem, loadConfig } from '../../config/index.js';
import type { ConnectorConfig } from '../../config/types.js';
import { describeHolder } from '../../runtime/offsets/lock-holder.js';
import { configuredOffsetStore } from '../../runtime/offsets/open-store.js';
import type { ResettableOffsetStore } from '../../runtime/offsets/offset-store.js';
import { Offset } from '../../connector/offset.js';
import {
  parseOffsetValue,
  toStoredOffset,
  type StoredOffset,
  type StoredOffsetType,
} from '../../runtime/offsets/stored-offset.js';
import { flag, parseCommandArgs, stringOption, usageError } from '../args.js';
import type { Command } from '../command.js';
import { EXIT, exitCodeOf, type ExitCode } from '../exit-codes.js';
import { println, type CliIo } from '../io.js';
import { errorMessage, isDanubeConnectError } from '../../errors.js';

const HELP = `Usage: danube-connect offsets show [--config <file>] [--json]
       danube-connect offsets reset [--partition <name> [--to <value> [--type <type>]]] [--config <file>]

Shows or changes the offsets the runtime keeps in the [offsets] store of a configuration
(CONNECTOR_CONFIG_PATH or --config), those of connector_name and offsets.instance_index
(CONNECTOR_INSTANCE_INDEX overrides it). Run it while that connector instance is stopped:
it takes the store's lock as the runtime does, and refuses while a running instance holds
it. A lock left by an instance on another host or container is waited for up to
offsets.lock_lease_ms, to see whether its holder still renews it.

  show    one line per offset partition: partition, value type, value (and metadata)
  reset   without --partition: forget every offset (the connector starts from the
          beginning of its source); with --partition: forget that partition's offset, or
          with --to set it (the connector resumes after that value)

Options:
  --config, -c <file>    configuration file (default: $CONNECTOR_CONFIG_PATH)
  --partition, -p <name> the offset partition to reset
  --to <value>           the partition's new offset; it keeps the type stored for it
  --type <type>          bigint | number | string: the type of --to, needed for a
                         partition without a stored offset (or to change the type)
  --json                 show: print the offsets as a JSON array
  --help, -h             show this help

Examples:
  danube-connect offsets show -c connector.toml
  danube-connect offsets reset -c connector.toml --partition orders --to 41000
  CONNECTOR_INSTANCE_INDEX=2 danube-connect offsets reset -c connector.toml

Exit codes:
  0  done
  1  the offsets are locked by a running instance, or the store cannot be read or written
  2  usage error, an invalid configuration, or offsets.store = "none"`;

const TYPES: readonly StoredOffsetType[] = ['bigint', 'number', 'string'];

/** `danube-connect offsets`: shows or resets the offsets kept in the configured store. */
export const offsetsCommand: Command = {
  name: 'offsets',
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(
      argv,
      {
        config: { type: 'string', short: 'c' },
        partition: { type: 'string', short: 'p' },
        to: { type: 'string' },
        type: { type: 'string' },
        json: { type: 'boolean' },
      },
      1,
    );
    const action = args.positionals[0];
    if (action !== 'show' && action !== 'reset')
      throw usageError(
        action === undefined ? 'missing show or reset' : `unknown action "${action}"`,
      );
    const partition = stringOption(args, 'partition');
    const to = stringOption(args, 'to');
    const type = stringOption(args, 'type');
    if (action === 'show' && (partition ?? to ?? type) !== undefined)
      throw usageError('--partition, --to and --type go with reset');
    if (action === 'reset' && flag(args, 'json')) throw usageError('--json goes with show');
    if (to !== undefined && partition === undefined) throw usageError('--to needs --partition');
    if (type !== undefined && to === undefined) throw usageError('--type needs --to');
    if (type !== undefined && !TYPES.includes(type as StoredOffsetType))
      throw usageError(`--type must be one of ${TYPES.join(', ')}, got "${type}"`);

    const core = await loadCore(stringOption(args, 'config'), io);
    if (core === undefined) return EXIT.USAGE;
    const store = configuredOffsetStore(core, {
      onWait: ({ holder, waitMs }) =>
        println(
          io.stderr,
          `the offsets lock is held by ${describeHolder(holder)}, which cannot be checked from here: waiting up to ${waitMs} ms for it to renew (still running) or go stale`,
        ),
    });
    if (store === undefined) {
      println(
        io.stderr,
        'danube-connect offsets: offsets.store = "none": the runtime keeps no offsets for this configuration',
      );
      return EXIT.USAGE;
    }
    const scope = `${core.connector_name} (instance ${core.offsets.instance_index}) in ${store.description}`;
    try {
      await store.lock();
    } catch (error) {
      return failed(io, error);
    }
    try {
      const stored = await store.load();
      if (action === 'show') {
        show(io, scope, stored, flag(args, 'json'));
        return EXIT.OK;
      }
      return await reset(io, store, scope, stored, { partition, to, type });
    } catch (error) {
      if (isDanubeConnectError(error, 'usage')) throw error;
      return failed(io, error, `the offsets of ${scope}: `);
    } finally {
      await store.close().catch(() => undefined);
    }
  },
};

async function loadCore(file: string | undefined, io: CliIo): Promise<ConnectorConfig | undefined> {
  try {
    const config = await loadConfig(z.looseObject({}), {
      ...(file === undefined ? {} : { path: file }),
      env: io.env,
      warn: (message) => println(io.stderr, `warning: ${message}`),
    });
    return config.core;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems)
      println(io.stderr, `error: ${formatProblem(error.file, problem)}`);
    println(io.stderr, 'danube-connect offsets: the configuration is invalid (see above)');
    return undefined;
  }
}

function show(io: CliIo, scope: string, stored: readonly StoredOffset[], json: boolean): void {
  if (json) {
    println(io.stdout, JSON.stringify(stored, null, 2));
    return;
  }
  println(io.stdout, `offsets of ${scope}:`);
  if (stored.length === 0) println(io.stdout, '  none (the connector starts from the beginning)');
  const width = Math.max(0, ...stored.map((o) => o.partition.length));
  for (const offset of stored) {
    const metadata =
      offset.metadata === undefined ? '' : `  (metadata ${JSON.stringify(offset.metadata)})`;
    println(
      io.stdout,
      `  ${offset.partition.padEnd(width)}  ${offset.type.padEnd(6)}  ${offset.value}${metadata}`,
    );
  }
}

async function reset(
  io: CliIo,
  store: ResettableOffsetStore,
  scope: string,
  stored: readonly StoredOffset[],
  options: { partition: string | undefined; to: string | undefined; type: string | undefined },
): Promise<ExitCode> {
  const { partition, to } = options;
  if (partition === undefined) {
    await store.replace([]);
    println(
      io.stdout,
      `forgot ${stored.length} offset(s) of ${scope}: the connector starts from the beginning`,
    );
    return EXIT.OK;
  }
  const current = stored.find((o) => o.partition === partition);
  if (to === undefined) {
    await store.replace(stored.filter((o) => o.partition !== partition));
    println(
      io.stdout,
      current === undefined
        ? `${partition}: no offset kept for it in ${scope}; nothing to forget`
        : `${partition}: forgot ${current.type} ${current.value}: the connector reads it from the beginning`,
    );
    return EXIT.OK;
  }
  const type = (options.type as StoredOffsetType | undefined) ?? current?.type;
  if (type === undefined) {
    throw usageError(
      `partition "${partition}" has no offset in ${scope}: say the type of --to with --type bigint, number or string`,
    );
  }
  let next: StoredOffset;
  try {
    next = toStoredOffset(Offset.of(partition, parseOffsetValue(type, to)));
  } catch (error) {
    throw usageError(`--to ${to}: ${errorMessage(error)} (type ${type})`);
  }
  await store.replace(
    current === undefined ? [...stored, next] : stored.map((o) => (o === current ? next : o)),
  );
  println(
    io.stdout,
    `${partition}: ${current === undefined ? 'none' : `${current.type} ${current.value}`} → ${next.type} ${next.value}: the connector resumes after it`,
  );
  return EXIT.OK;
}

function failed(io: CliIo, error: unknown, context = ''): ExitCode {
  const message = errorMessage(error);
  println(io.stderr, `danube-connect offsets: ${context}${message}`);
  return exitCodeOf(error);
}
