import { canonicalSchemaType } from '../client/schema-type.js';
import { errorMessage, isDanubeConnectError, type ErrorKind } from '../errors.js';
import { codecFor } from './codecs.js';
import { SchemaError } from './errors.js';
import { compileJsonSchema } from './json-schema-validator.js';
import { parseAvroSchema } from './avro.js';
import type {
  RegistrySchemaInfo,
  SchemaEntryConfig,
  SchemaLayerConfig,
  SchemaRegistryApi,
} from './registry-api.js';
import { loadSchemaFile } from './schema-file.js';
import type { ResolvedSchema, SchemaTypeName, VersionStrategy } from './types.js';

/** Options of {@link SchemaResolver}. */
export interface SchemaResolverOptions {
  /** Base for `schema_file` when the config dir does not hold it. Default `process.cwd()`. */
  cwd?: string;
  /** Recorded as `created_by` on registration. Default `danube-connect`. */
  createdBy?: string;
  /** Told about things worth a log line (e.g. a local file that differs from the resolved version). */
  warn?: (message: string) => void;
}

const TYPES_WITH_DEFINITION: ReadonlySet<string> = new Set(['json_schema', 'avro']);
const SUPPORTED_TYPES: ReadonlySet<string> = new Set([
  'json_schema',
  'avro',
  'string',
  'bytes',
  'number',
]);

/** The local definition of an entry: file text (json_schema / avro) or '' (string / bytes / number). */
interface LocalDefinition {
  text: string;
  /** Absolute path it came from, when there is a file. */
  file: string | undefined;
}

function describeStrategy(strategy: VersionStrategy): string {
  if (strategy === 'latest') return '"latest"';
  return 'pinned' in strategy
    ? `{ pinned = ${strategy.pinned} }`
    : `{ minimum = ${strategy.minimum} }`;
}

/**
 * Kinds of a registry failure that say nothing about the configuration: the registry could
 * not be reached or the call was cut short. Every other failure makes the entry a
 * configuration problem.
 */
const NOT_THE_CONFIG: ReadonlySet<ErrorKind> = new Set([
  'unavailable',
  'timeout',
  'stopping',
  'aborted',
  'internal',
]);

/** Compact JSON when the text is JSON, so formatting differences do not count as changes. */
function normalizeDefinition(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text.trim();
  }
}

/**
 * Resolves `[[schemas]]` entries against the schema registry and compiles their codecs:
 * loads and checks each local schema file, registers it when `auto_register` is on (checking
 * compatibility first and refusing with the registry's reasons), picks the version the
 * `version_strategy` asks for, and compiles the validator from that version's definition as the
 * registry holds it.
 *
 * @example
 * ```ts
 * const resolver = new SchemaResolver(client.schemas, { cwd: process.cwd() });
 * const schemas = await resolver.resolveAll(config.core); // Map<topic, ResolvedSchema>
 * ```
 */
export class SchemaResolver {
  private readonly cwd: string;
  private readonly createdBy: string;
  private readonly warn: (message: string) => void;

  constructor(
    private readonly registry: SchemaRegistryApi,
    options: SchemaResolverOptions = {},
  ) {
    this.cwd = options.cwd ?? process.cwd();
    this.createdBy = options.createdBy ?? 'danube-connect';
    this.warn = options.warn ?? (() => undefined);
  }

  /**
   * Resolves every entry, one after the other (registrations of one subject must not race).
   * @throws {@link SchemaError}: kind `config`, or the registry's failure kind (e.g.
   *   `unavailable`) when it could not be reached for the first entry that cannot be resolved
   */
  async resolveAll(config: SchemaLayerConfig): Promise<Map<string, ResolvedSchema>> {
    const resolved = new Map<string, ResolvedSchema>();
    for (const entry of config.schemas) {
      if (resolved.has(entry.topic)) {
        throw new SchemaError(`topic ${entry.topic} has more than one [[schemas]] entry`, {
          topic: entry.topic,
        });
      }
      resolved.set(entry.topic, await this.resolve(entry, config.config_dir));
    }
    return resolved;
  }

  /**
   * Resolves one entry to (schema id, version, definition) and compiles its codec.
   * @throws {@link SchemaError}: kind `config`, or the registry's failure kind (e.g.
   *   `unavailable`) when it could not be reached
   */
  async resolve(entry: SchemaEntryConfig, configDir?: string): Promise<ResolvedSchema> {
    const schemaType = this.checkType(entry);
    const local = await this.loadLocal(entry, schemaType, configDir);
    if (entry.auto_register) await this.register(entry, schemaType, local);
    const info = await this.pickVersion(entry);
    const registeredType = canonicalSchemaType(info.schemaType);
    if (registeredType !== schemaType) {
      throw this.error(
        entry,
        `subject ${entry.subject} is registered as ${info.schemaType}, but the config says schema_type = "${schemaType}"`,
      );
    }
    if (
      local.file !== undefined &&
      normalizeDefinition(local.text) !== normalizeDefinition(info.definition)
    ) {
      this.warn(
        `${entry.topic}: ${local.file} differs from subject ${entry.subject} v${info.version} in the registry; validating with the registry's v${info.version}`,
      );
    }
    const codec = codecFor(schemaType, info.definition, entry.wire_format, {
      topic: entry.topic,
      subject: entry.subject,
      version: info.version,
      source: `registry subject ${entry.subject} v${info.version}`,
    });
    return {
      topic: entry.topic,
      subject: entry.subject,
      schemaId: info.schemaId,
      version: info.version,
      schemaType,
      wireFormat: entry.wire_format,
      definition: info.definition,
      codec,
    };
  }

  private checkType(entry: SchemaEntryConfig): SchemaTypeName {
    const type = entry.schema_type;
    if (type === 'protobuf') {
      throw this.error(
        entry,
        'schema_type "protobuf" is not supported yet (use json_schema, avro, string, bytes or number)',
      );
    }
    if (!SUPPORTED_TYPES.has(type)) throw this.error(entry, `unknown schema_type "${type}"`);
    return type;
  }

  private async loadLocal(
    entry: SchemaEntryConfig,
    type: SchemaTypeName,
    configDir: string | undefined,
  ): Promise<LocalDefinition> {
    if (!TYPES_WITH_DEFINITION.has(type)) return { text: '', file: undefined };
    const file = entry.schema_file;
    if (file === undefined || file === '') {
      if (entry.auto_register) {
        throw this.error(
          entry,
          `schema_type "${type}" with auto_register = true needs a schema_file`,
        );
      }
      return { text: '', file: undefined };
    }
    const loaded = await loadSchemaFile(
      file,
      configDir,
      { topic: entry.topic, subject: entry.subject },
      this.cwd,
    );
    const source = loaded.path;
    try {
      if (type === 'json_schema') compileJsonSchema(loaded.text, source);
      else parseAvroSchema(loaded.text, source);
    } catch (err) {
      if (err instanceof SchemaError) {
        throw new SchemaError(`${entry.topic}: ${err.message}`, {
          topic: entry.topic,
          subject: entry.subject,
          file: source,
          cause: err,
        });
      }
      throw err;
    }
    return { text: loaded.text, file: source };
  }

  /** Registers the local definition unless an identical one exists; refuses incompatible changes first. */
  private async register(
    entry: SchemaEntryConfig,
    type: SchemaTypeName,
    local: LocalDefinition,
  ): Promise<void> {
    const latest = await this.latestOrUndefined(entry);
    if (latest !== undefined) {
      if (canonicalSchemaType(latest.schemaType) !== type) {
        throw this.error(
          entry,
          `subject ${entry.subject} is registered as ${latest.schemaType}; cannot register a ${type} schema under it`,
        );
      }
      // Already registered (formatting aside): registering again adds nothing, or a version
      // that differs only in whitespace.
      if (await this.matchesExistingVersion(entry, latest, local.text)) return;
      const check = await this.call(entry, 'checking compatibility of', () =>
        this.registry.checkCompatibility({
          subject: entry.subject,
          schemaType: type,
          definition: local.text,
        }),
      );
      if (!check.compatible) {
        const reasons = check.errors.length > 0 ? check.errors.join('; ') : 'no reason given';
        throw this.error(
          entry,
          `${local.file ?? 'the schema'} is not compatible with subject ${entry.subject} v${latest.version}: ${reasons}`,
          local.file,
        );
      }
    }
    await this.call(
      entry,
      'registering',
      () =>
        this.registry.register({
          subject: entry.subject,
          schemaType: type,
          definition: local.text,
          description:
            local.file === undefined ? `${type} schema for ${entry.topic}` : `from ${local.file}`,
          createdBy: this.createdBy,
        }),
      local.file,
    );
  }

  /** Whether the local text equals a version already registered (then registering adds nothing). */
  private async matchesExistingVersion(
    entry: SchemaEntryConfig,
    latest: RegistrySchemaInfo,
    text: string,
  ): Promise<boolean> {
    const wanted = normalizeDefinition(text);
    if (normalizeDefinition(latest.definition) === wanted) return true;
    const versions = await this.call(entry, 'listing versions of', () =>
      this.registry.listVersions(entry.subject),
    );
    for (const summary of [...versions].sort((a, b) => b.version - a.version)) {
      if (summary.version === latest.version) continue;
      const info = await this.call(entry, 'reading', () =>
        this.registry.getSchema(latest.schemaId, summary.version),
      );
      if (normalizeDefinition(info.definition) === wanted) return true;
    }
    return false;
  }

  private async latestOrUndefined(
    entry: SchemaEntryConfig,
  ): Promise<RegistrySchemaInfo | undefined> {
    try {
      return await this.registry.getLatest(entry.subject);
    } catch (err) {
      if (isDanubeConnectError(err, 'not_found')) return undefined;
      throw this.error(
        entry,
        `reading subject ${entry.subject} from the registry failed: ${errorMessage(err)}`,
        undefined,
        err,
      );
    }
  }

  /** The registry version the entry's strategy selects, with its definition. */
  private async pickVersion(entry: SchemaEntryConfig): Promise<RegistrySchemaInfo> {
    const strategy = entry.version_strategy;
    const latest = await this.latestOrUndefined(entry);
    if (latest === undefined) {
      throw this.error(
        entry,
        `subject ${entry.subject} is not registered${entry.auto_register ? '' : ' (set auto_register = true or register it first)'}`,
      );
    }
    if (strategy === 'latest') return latest;
    if ('minimum' in strategy) {
      if (latest.version >= strategy.minimum) return latest;
      throw this.error(
        entry,
        `no version of subject ${entry.subject} satisfies version_strategy ${describeStrategy(strategy)}: the latest is v${latest.version}`,
      );
    }
    if (strategy.pinned === latest.version) return latest;
    const versions = await this.call(entry, 'listing versions of', () =>
      this.registry.listVersions(entry.subject),
    );
    if (!versions.some((v) => v.version === strategy.pinned)) {
      const known = versions.map((v) => `v${v.version}`).join(', ') || 'none';
      throw this.error(
        entry,
        `no version of subject ${entry.subject} satisfies version_strategy ${describeStrategy(strategy)}: registered versions are ${known}`,
      );
    }
    return this.call(entry, 'reading', () =>
      this.registry.getSchema(latest.schemaId, strategy.pinned),
    );
  }

  /** Runs a registry call, turning its failure into a `SchemaError` that carries the registry's words. */
  private async call<T>(
    entry: SchemaEntryConfig,
    doing: string,
    fn: () => Promise<T>,
    file?: string,
  ): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.error(
        entry,
        `${doing} subject ${entry.subject} failed: the registry said: ${errorMessage(err)}`,
        file,
        err,
      );
    }
  }

  private error(
    entry: SchemaEntryConfig,
    message: string,
    file?: string,
    cause?: unknown,
  ): SchemaError {
    return new SchemaError(`${entry.topic}: ${message}`, {
      kind: isDanubeConnectError(cause) && NOT_THE_CONFIG.has(cause.kind) ? cause.kind : 'config',
      topic: entry.topic,
      subject: entry.subject,
      file: file ?? entry.schema_file,
      cause,
    });
  }
}

/**
 * Resolves every `[[schemas]]` entry of the core config against the registry.
 * @returns topic → resolved schema with its compiled codec
 * @throws {@link SchemaError}: kind `config`, or the registry's failure kind (e.g.
 *   `unavailable`) when it could not be reached
 */
export function resolveSchemas(
  config: SchemaLayerConfig,
  registry: SchemaRegistryApi,
  options?: SchemaResolverOptions,
): Promise<Map<string, ResolvedSchema>> {
  return new SchemaResolver(registry, options).resolveAll(config);
}

/**
 * The `schema` option for the client's `createProducer`: pinned to the resolved version, so the
 * broker tags messages with the version the payloads were validated against.
 */
export function producerSchemaReference(resolved: ResolvedSchema): {
  subject: string;
  version: { pinned: number };
} {
  return { subject: resolved.subject, version: { pinned: resolved.version } };
}
