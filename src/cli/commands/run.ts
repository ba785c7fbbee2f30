import { ConfigError, formatProblem } from '../../config/index.js';
import { isDanubeConnectError, type ErrorKind } from '../../errors.js';
import { runConnector } from '../../runtime/run-connector.js';
import { usageError, parseCommandArgs, stringOption } from '../args.js';
import type { Command } from '../command.js';
import { loadConnectorModule } from '../connector-module.js';
import { EXIT, exitCodeOf } from '../exit-codes.js';
import { println } from '../io.js';

const HELP = `Usage: danube-connect run <module> [--config <file>]

Runs a connector: imports <module> (a file path or package name whose default export comes
from defineConnector), loads the configuration from CONNECTOR_CONFIG_PATH (or --config)
with the module's settings schema and environment overrides — or, with neither, from the
environment alone (DANUBE_SERVICE_URL and CONNECTOR_NAME required) — and runs it with the
SourceRuntime until SIGINT / SIGTERM, then drains, commits and shuts down. A second signal
exits at once (130 for SIGINT, 143 for SIGTERM).

Logs are JSON lines on stdout (readable when pino-pretty is installed and stdout is a
terminal); the level is processing.log_level, overridden by LOG_LEVEL, else RUST_LOG
(a level, or Rust env-filter directives such as "info,pipeline=debug"). Health, readiness,
metrics and status are served on processing.metrics_port (0 = any free port, logged).

Options:
  --config, -c <file>  configuration file (default: $CONNECTOR_CONFIG_PATH)
  --help, -h           show this help

Environment:
  CONNECTOR_CONFIG_PATH   the TOML configuration file
  DANUBE_SERVICE_URL, CONNECTOR_NAME, DANUBE_TOKEN, and the connector's declared
  variables (e.g. API_KEY): override the file
  LOG_LEVEL, RUST_LOG     trace | debug | info | warn | error | off, or "info,pipeline=debug"

Example:
  CONNECTOR_CONFIG_PATH=connector.toml danube-connect run ./dist/connector.js

Exit codes:
  0    stopped cleanly after SIGINT / SIGTERM (or the connector finished)
  1    stopped on a fatal error (connector, broker, publish failure under failure_policy = "fail")
  2    usage error, the module cannot be loaded, or the configuration is invalid
       (including what only shows at start-up: a token without TLS, an unreadable TLS
       file, credentials the broker rejects)
  130  forced out by a second SIGINT (143 for SIGTERM)`;

/** How `run` names the kinds that exit with 2 (see `exitCodeOf`). */
const SETUP_ERRORS: Partial<Record<ErrorKind, string>> = {
  config: 'configuration error',
  usage: 'usage error',
};

/** `danube-connect run`: runs a connector module until stopped. */
export const runCommand: Command = {
  name: 'run',
  help: HELP,
  async run(argv, io) {
    const args = parseCommandArgs(argv, { config: { type: 'string', short: 'c' } }, 1);
    const specifier = args.positionals[0];
    if (specifier === undefined) throw usageError('missing the connector <module>');
    const module = await loadConnectorModule(specifier, io.cwd);
    const path = stringOption(args, 'config');
    try {
      await runConnector(module, {
        ...(path === undefined ? {} : { path }),
        env: io.env,
        warn: (message) => println(io.stderr, `warning: ${message}`),
        signal: io.signal,
        handleSignals: false,
      });
      return EXIT.OK;
    } catch (error) {
      if (error instanceof ConfigError) {
        for (const problem of error.problems) {
          println(io.stderr, `error: ${formatProblem(error.file, problem)}`);
        }
        println(io.stderr, 'danube-connect run: the configuration is invalid (see above)');
        return EXIT.USAGE;
      }
      // runConnector scrubbed the secrets from the message.
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      // Set-up mistakes found only at start-up (token without TLS, unreadable TLS file,
      // rejected credentials, a polling connector without poll) are of kind `config`.
      const what = (isDanubeConnectError(error) && SETUP_ERRORS[error.kind]) || 'fatal error';
      println(io.stderr, `danube-connect run: stopped on a ${what}: ${message}`);
      return exitCodeOf(error);
    }
  },
};
