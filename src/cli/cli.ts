import { errorMessage, isDanubeConnectError } from '../errors.js';
import type { Command } from './command.js';
import { EXIT, EXIT_CODES_HELP, exitCodeOf, type ExitCode } from './exit-codes.js';
import { println, type CliIo } from './io.js';

/** A command as listed by `--help`; its module is imported only when it runs. */
export interface CommandEntry {
  readonly name: string;
  /** One line for the command list; kept here so that `--help` imports no command module. */
  readonly summary: string;
  load(): Promise<Command>;
}

/**
 * Every command, in the order of the help text. Loaded lazily: `--help` stays fast, and a
 * process only imports what its command needs (`consume` never loads the broker, `run`
 * never loads the CLI's other commands).
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'run',
    summary: 'run a connector module with the configuration in CONNECTOR_CONFIG_PATH',
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  {
    name: 'validate-config',
    summary: 'check a configuration file and print every problem with its key path',
    load: async () => (await import('./commands/validate-config.js')).validateConfigCommand,
  },
  {
    name: 'config-schema',
    summary: 'print the JSON Schema of the configuration file',
    load: async () => (await import('./commands/config-schema.js')).configSchemaCommand,
  },
  {
    name: 'offsets',
    summary: 'show or reset the offsets the runtime keeps in the [offsets] store',
    load: async () => (await import('./commands/offsets.js')).offsetsCommand,
  },
  {
    name: 'dev-broker',
    summary: 'run the embedded Danube broker for local development',
    load: async () => (await import('./commands/dev-broker.js')).devBrokerCommand,
  },
  {
    name: 'consume',
    summary: 'print the messages of a topic, decoded by their schema type',
    load: async () => (await import('./commands/consume.js')).consumeCommand,
  },
];

/** The top-level `danube-connect --help`. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `Usage: danube-connect <command> [options]

Runs and develops Danube source connectors built with danube-connect-core.

Commands:
${list}

Run \`danube-connect <command> --help\` for a command's options.
Options: --help, -h  show this help;  --version, -v  print the version

${EXIT_CODES_HELP}`;
}

/**
 * Runs one command line (without `node` and the script) against `io` and returns its exit
 * code. Never throws: a failure is printed and its kind gives the exit code
 * ({@link exitCodeOf}); a `usage` error also points at the command's help.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const entry = COMMANDS.find((c) => c.name === topic);
    if (topic !== undefined && entry === undefined) return usage(io, `unknown command "${topic}"`);
    println(io.stdout, entry === undefined ? generalHelp() : (await entry.load()).help);
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    println(io.stdout, await version());
    return EXIT.OK;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (entry === undefined) return usage(io, `unknown command "${name}"`);
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    println(io.stdout, command.help);
    return EXIT.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (isDanubeConnectError(error, 'usage')) return usage(io, error.message, command);
    println(io.stderr, `danube-connect ${command.name}: ${errorMessage(error)}`);
    return exitCodeOf(error);
  }
}

function usage(io: CliIo, message: string, command?: Command): ExitCode {
  println(io.stderr, `danube-connect${command ? ` ${command.name}` : ''}: ${message}`);
  println(
    io.stderr,
    `Run \`danube-connect ${command ? `${command.name} ` : ''}--help\` for usage.`,
  );
  return EXIT.USAGE;
}

async function version(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(await readFile(url, 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
