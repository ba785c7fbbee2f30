import type { BrokerConnections } from './connections.js';
import { DanubeError } from './errors.js';
import type { SchemaTypeName } from './schema-type.js';
import type { RetryPolicy } from './options.js';
import { withRetry } from './retry.js';
import { unwrapSchemaDefinition } from './schema-definition.js';
import type {
  CheckCompatibilityRequestMsg,
  CheckCompatibilityResponseMsg,
  ConfigureTopicSchemaRequestMsg,
  DeleteSchemaVersionRequestMsg,
  GetSchemaRequestMsg,
  GetSchemaResponseMsg,
  GetTopicSchemaConfigResponseMsg,
  ListSubjectsResponseMsg,
  ListVersionsResponseMsg,
  RegisterSchemaRequestMsg,
  RegisterSchemaResponseMsg,
  SetCompatibilityModeRequestMsg,
  SubjectRequestMsg,
  SuccessResponseMsg,
  TopicNameRequestMsg,
  UpdateTopicValidationPolicyRequestMsg,
} from './wire.js';

/** A schema type name; other strings the registry may know are accepted too. */
export type SchemaTypeLike = SchemaTypeName | (string & Record<never, never>);
/** Which version of a subject to use. */
export type VersionStrategy = 'latest' | { pinned: number } | { minimum: number };
/** Registry compatibility modes. */
export type CompatibilityMode = 'none' | 'backward' | 'forward' | 'full';
/** Topic validation policies. */
export type ValidationPolicy = 'none' | 'warn' | 'enforce';

/** One version of a subject, with its definition unwrapped. */
export interface SchemaInfo {
  /** Id of the subject (the same for every version), a u64 decimal string. */
  schemaId: string;
  version: number;
  subject: string;
  schemaType: SchemaTypeLike;
  /** The raw definition (e.g. JSON Schema text); `''` for string / bytes / number. */
  definition: string;
  fingerprint: string;
  compatibilityMode: string;
  description: string;
  createdAt: Date;
  createdBy: string;
  tags: string[];
}

/** A schema to register. */
export interface RegisterSchemaRequest {
  subject: string;
  schemaType: SchemaTypeLike;
  /** The raw definition (file contents); empty for string / bytes / number. */
  definition: string | Buffer;
  description?: string;
  createdBy?: string;
  tags?: string[];
}

/** The outcome of a registration. */
export interface RegisterSchemaResult {
  schemaId: string;
  version: number;
  /** `false` when an identical definition was already registered. */
  isNewVersion: boolean;
  fingerprint: string;
}

/** One entry of {@link SchemaRegistryClient.listVersions}. */
export interface SchemaVersionSummary {
  version: number;
  schemaId: string;
  fingerprint: string;
  createdAt: Date;
  createdBy: string;
  description: string;
}

/** A compatibility check request. */
export interface CheckCompatibilityRequest {
  subject: string;
  schemaType: SchemaTypeLike;
  definition: string | Buffer;
  mode?: CompatibilityMode;
}

/** A topic's schema configuration. */
export interface TopicSchemaConfig {
  subject: string;
  validationPolicy: string;
  payloadValidation: boolean;
  /**
   * The subject's schema id as the broker reports it. Danube v0.15 always answers `'0'`
   * here: look the id up with {@link SchemaRegistryClient.getLatest}(subject) instead.
   */
  schemaId: string;
}

/** One entry of {@link SchemaRegistryClient.listSubjects}. */
export interface SubjectSummary {
  subject: string;
  schemaType: string;
  latestVersion: number;
  compatibilityMode: string;
  schemaId: string;
  tags: string[];
}

/** How the registry client reaches the broker. */
export interface SchemaRegistryTransport {
  connections: BrokerConnections;
  serviceUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  /** Aborted when the client closes. */
  signal: AbortSignal;
}

/**
 * Client of the broker's schema registry (service `danube_schema.SchemaRegistry`).
 * Definitions come back unwrapped; errors are {@link DanubeError} kind `schema` (an
 * incompatible registration carries the registry's reasons in its message).
 *
 * @example
 * ```ts
 * const { schemaId, version } = await client.schemas.register({
 *   subject: 'orders', schemaType: 'json_schema', definition: jsonSchemaText });
 * const info = await client.schemas.resolve('orders', { minimum: 2 });
 * ```
 */
export class SchemaRegistryClient {
  /** @internal built by {@link DanubeClient}; reach it as `client.schemas`. */
  constructor(private readonly transport: SchemaRegistryTransport) {}

  /** Registers a definition under a subject (an identical one returns the existing version). */
  async register(request: RegisterSchemaRequest): Promise<RegisterSchemaResult> {
    const response = await this.call<RegisterSchemaRequestMsg, RegisterSchemaResponseMsg>(
      'RegisterSchema',
      {
        subject: request.subject,
        schema_type: request.schemaType,
        schema_definition: toBuffer(request.definition),
        description: request.description ?? '',
        created_by: request.createdBy ?? '',
        tags: request.tags ?? [],
      },
      request.subject,
    );
    return {
      schemaId: response.schema_id,
      version: response.version,
      isNewVersion: response.is_new_version,
      fingerprint: response.fingerprint,
    };
  }

  /** One version (the latest when `version` is absent) of the subject with this id. */
  async getSchema(schemaId: string, version?: number): Promise<SchemaInfo> {
    const request: GetSchemaRequestMsg = { schema_id: schemaId };
    if (version !== undefined) request.version = version;
    const response = await this.call<GetSchemaRequestMsg, GetSchemaResponseMsg>(
      'GetSchema',
      request,
      `schema id ${schemaId}${version === undefined ? '' : ` version ${version}`}`,
    );
    return toSchemaInfo(response);
  }

  /** The latest version of a subject. */
  async getLatest(subject: string): Promise<SchemaInfo> {
    const response = await this.call<SubjectRequestMsg, GetSchemaResponseMsg>(
      'GetLatestSchema',
      { subject },
      subject,
    );
    return toSchemaInfo(response);
  }

  /** Every version of a subject, oldest first. */
  async listVersions(subject: string): Promise<SchemaVersionSummary[]> {
    const response = await this.call<SubjectRequestMsg, ListVersionsResponseMsg>(
      'ListVersions',
      { subject },
      subject,
    );
    return response.versions
      .map((v) => ({
        version: v.version,
        schemaId: v.schema_id,
        fingerprint: v.fingerprint,
        createdAt: fromSeconds(v.created_at),
        createdBy: v.created_by,
        description: v.description,
      }))
      .sort((a, b) => a.version - b.version);
  }

  /**
   * The version of `subject` a strategy selects: the latest; exactly `pinned`; or the
   * latest when it is at least `minimum`.
   *
   * @throws DanubeError kind `schema` when no version satisfies the strategy.
   */
  async resolve(subject: string, strategy: VersionStrategy): Promise<SchemaInfo> {
    const latest = await this.getLatest(subject);
    if (strategy === 'latest') return latest;
    if ('pinned' in strategy) {
      if (strategy.pinned === latest.version) return latest;
      if (strategy.pinned > latest.version || strategy.pinned < 1) {
        throw schemaError(
          `subject "${subject}" has no version ${strategy.pinned} (latest is ${latest.version})`,
        );
      }
      const versions = await this.listVersions(subject);
      if (!versions.some((v) => v.version === strategy.pinned)) {
        throw schemaError(
          `subject "${subject}" has no version ${strategy.pinned} (versions: ${versions.map((v) => v.version).join(', ')})`,
        );
      }
      return this.getSchema(latest.schemaId, strategy.pinned);
    }
    if (latest.version < strategy.minimum) {
      throw schemaError(
        `subject "${subject}" has no version >= ${strategy.minimum} (latest is ${latest.version})`,
      );
    }
    return latest;
  }

  /** Checks a definition against a subject without registering it. */
  async checkCompatibility(
    request: CheckCompatibilityRequest,
  ): Promise<{ compatible: boolean; errors: string[] }> {
    const message: CheckCompatibilityRequestMsg = {
      subject: request.subject,
      new_schema_definition: toBuffer(request.definition),
      schema_type: request.schemaType,
    };
    if (request.mode !== undefined) message.compatibility_mode = request.mode;
    const response = await this.call<CheckCompatibilityRequestMsg, CheckCompatibilityResponseMsg>(
      'CheckCompatibility',
      message,
      request.subject,
    );
    return { compatible: response.is_compatible, errors: response.errors };
  }

  /** Sets the compatibility mode of a subject. */
  async setCompatibilityMode(subject: string, mode: CompatibilityMode): Promise<void> {
    const response = await this.call<SetCompatibilityModeRequestMsg, SuccessResponseMsg>(
      'SetCompatibilityMode',
      { subject, compatibility_mode: mode },
      subject,
    );
    expectSuccess(response, `SetCompatibilityMode of "${subject}"`);
  }

  /** Assigns a subject and a validation policy to a topic. */
  async configureTopicSchema(request: {
    topic: string;
    subject: string;
    validationPolicy: ValidationPolicy;
    payloadValidation: boolean;
  }): Promise<void> {
    const response = await this.call<ConfigureTopicSchemaRequestMsg, SuccessResponseMsg>(
      'ConfigureTopicSchema',
      {
        topic_name: request.topic,
        schema_subject: request.subject,
        validation_policy: request.validationPolicy,
        enable_payload_validation: request.payloadValidation,
      },
      request.topic,
    );
    expectSuccess(response, `ConfigureTopicSchema of ${request.topic}`);
  }

  /** Changes a topic's validation policy. */
  async updateTopicValidationPolicy(request: {
    topic: string;
    validationPolicy: ValidationPolicy;
    payloadValidation: boolean;
  }): Promise<void> {
    const response = await this.call<UpdateTopicValidationPolicyRequestMsg, SuccessResponseMsg>(
      'UpdateTopicValidationPolicy',
      {
        topic_name: request.topic,
        validation_policy: request.validationPolicy,
        enable_payload_validation: request.payloadValidation,
      },
      request.topic,
    );
    expectSuccess(response, `UpdateTopicValidationPolicy of ${request.topic}`);
  }

  /** A topic's schema configuration. */
  async getTopicSchemaConfig(topic: string): Promise<TopicSchemaConfig> {
    const response = await this.call<TopicNameRequestMsg, GetTopicSchemaConfigResponseMsg>(
      'GetTopicSchemaConfig',
      { topic_name: topic },
      topic,
    );
    return {
      subject: response.schema_subject,
      validationPolicy: response.validation_policy,
      payloadValidation: response.enable_payload_validation,
      schemaId: response.schema_id,
    };
  }

  /** Every subject of the registry. */
  async listSubjects(): Promise<SubjectSummary[]> {
    const response = await this.call<Record<string, never>, ListSubjectsResponseMsg>(
      'ListSubjects',
      {},
      'all subjects',
    );
    return response.subjects.map((s) => ({
      subject: s.subject,
      schemaType: s.schema_type,
      latestVersion: s.latest_version,
      compatibilityMode: s.compatibility_mode,
      schemaId: s.schema_id,
      tags: s.tags,
    }));
  }

  /** Deletes one version of a subject. */
  async deleteVersion(subject: string, version: number): Promise<void> {
    const response = await this.call<DeleteSchemaVersionRequestMsg, SuccessResponseMsg>(
      'DeleteSchemaVersion',
      { subject, version },
      subject,
    );
    expectSuccess(response, `DeleteSchemaVersion ${version} of "${subject}"`);
  }

  private call<Req, Res>(method: string, request: Req, about: string): Promise<Res> {
    const { connections, serviceUrl, timeoutMs, retry, signal } = this.transport;
    return withRetry(
      () =>
        connections.unary<Req, Res>(
          { connectUrl: serviceUrl },
          'SchemaRegistry',
          method,
          request,
          // The registry refuses an incompatible schema with INTERNAL and the reasons.
          { operation: `${method} (${about})`, internalKind: 'schema' },
          { timeoutMs, signal },
        ),
      { policy: retry, signal },
    );
  }
}

function schemaError(message: string): DanubeError {
  return new DanubeError(message, { kind: 'schema' });
}

function expectSuccess(response: SuccessResponseMsg, what: string): void {
  if (!response.success) {
    throw schemaError(`${what} refused: ${response.message || 'no reason given'}`);
  }
}

function toBuffer(definition: string | Buffer): Buffer {
  return typeof definition === 'string' ? Buffer.from(definition, 'utf8') : definition;
}

function fromSeconds(seconds: string): Date {
  return new Date(Number(seconds) * 1000);
}

function toSchemaInfo(response: GetSchemaResponseMsg): SchemaInfo {
  return {
    schemaId: response.schema_id,
    version: response.version,
    subject: response.subject,
    schemaType: response.schema_type,
    definition: unwrapSchemaDefinition(response.schema_definition),
    fingerprint: response.fingerprint,
    compatibilityMode: response.compatibility_mode,
    description: response.description,
    createdAt: fromSeconds(response.created_at),
    createdBy: response.created_by,
    tags: response.tags,
  };
}
