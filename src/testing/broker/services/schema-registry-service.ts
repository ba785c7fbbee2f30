import { status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { danubeServices } from '../../../client/proto.js';
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
} from '../../../client/wire.js';
import { unary } from '../call-pipeline.js';
import { parseCompatibilityMode } from '../compatibility.js';
import type { BrokerCore } from '../core.js';
import type { SchemaVersionRecord, SubjectRecord } from '../registry.js';
import { wrapDefinition } from '../schema-definitions.js';
import { statusError } from '../status.js';
import type { ValidationPolicy } from '../topics.js';
import { errorMessage } from '../../../errors.js';

const SIZE_SLACK = 64 * 1024;

function schemaResponse(record: SubjectRecord, version: SchemaVersionRecord): GetSchemaResponseMsg {
  return {
    schema_id: record.schemaId,
    version: version.version,
    subject: record.subject,
    schema_type: version.schema.type,
    schema_definition: wrapDefinition(version.schema),
    description: version.description,
    created_at: version.createdAt.toString(),
    created_by: version.createdBy,
    tags: version.tags,
    fingerprint: version.schema.fingerprint,
    compatibility_mode: record.mode,
  };
}

function parsePolicy(text: string): ValidationPolicy {
  const policy = text.toLowerCase();
  if (policy === 'none' || policy === 'warn' || policy === 'enforce') return policy;
  throw statusError(
    status.INVALID_ARGUMENT,
    `Invalid validation policy: '${text}'. Must be 'none', 'warn', or 'enforce'`,
  );
}

function policyLabel(policy: ValidationPolicy): string {
  return policy.charAt(0).toUpperCase() + policy.slice(1);
}

function topicOrNotFound(
  core: BrokerCore,
  name: string,
): NonNullable<ReturnType<BrokerCore['topics']['get']>> {
  const topic = core.topics.get(name);
  if (!topic) throw statusError(status.NOT_FOUND, `Topic '${name}' not found on this broker`);
  return topic;
}

/** The SchemaRegistry implementation, with the real registry's status codes and messages. */
export function schemaRegistryService(core: BrokerCore): UntypedServiceImplementation {
  const registry = core.registry;
  const definitions = danubeServices().SchemaRegistry.service;
  const serializedSize =
    (method: string) =>
    <Req>(bytes: (req: Req) => Buffer) =>
    (req: Req): number | undefined => {
      const definition = definitions[method];
      return bytes(req).length + SIZE_SLACK > core.maxReceiveBytes && definition
        ? definition.requestSerialize(req).length
        : undefined;
    };
  return {
    RegisterSchema: unary<RegisterSchemaRequestMsg, RegisterSchemaResponseMsg>(
      core,
      'RegisterSchema',
      (req) => {
        try {
          const result = registry.register(req.subject, req.schema_type, req.schema_definition, {
            description: req.description,
            createdBy: req.created_by,
            tags: req.tags,
          });
          return {
            schema_id: result.schemaId,
            version: result.version,
            is_new_version: result.isNewVersion,
            fingerprint: result.fingerprint,
          };
        } catch (error) {
          throw statusError(status.INTERNAL, `Failed to register schema: ${errorMessage(error)}`);
        }
      },
      {
        wireSize: serializedSize('RegisterSchema')(
          (r: RegisterSchemaRequestMsg) => r.schema_definition,
        ),
      },
    ),
    GetSchema: unary<GetSchemaRequestMsg, GetSchemaResponseMsg>(core, 'GetSchema', (req) => {
      const record = registry.subjectOfId(req.schema_id);
      const version =
        record &&
        (req.version === undefined
          ? record.versions.at(-1)
          : registry.version(record, req.version));
      if (!record || !version) {
        throw statusError(status.NOT_FOUND, `Schema not found for ID: ${req.schema_id}`);
      }
      return schemaResponse(record, version);
    }),
    GetLatestSchema: unary<SubjectRequestMsg, GetSchemaResponseMsg>(
      core,
      'GetLatestSchema',
      (req) => {
        const record = registry.subject(req.subject);
        const latest = record?.versions.at(-1);
        if (!record || !latest) {
          throw statusError(status.NOT_FOUND, `Schema not found for subject: ${req.subject}`);
        }
        return schemaResponse(record, latest);
      },
    ),
    ListVersions: unary<SubjectRequestMsg, ListVersionsResponseMsg>(core, 'ListVersions', (req) => {
      const record = registry.subject(req.subject);
      if (!record) throw statusError(status.NOT_FOUND, `Subject not found: ${req.subject}`);
      return {
        versions: record.versions.map((v) => ({
          version: v.version,
          created_at: v.createdAt.toString(),
          created_by: v.createdBy,
          description: v.description,
          fingerprint: v.schema.fingerprint,
          schema_id: record.schemaId,
        })),
      };
    }),
    CheckCompatibility: unary<CheckCompatibilityRequestMsg, CheckCompatibilityResponseMsg>(
      core,
      'CheckCompatibility',
      (req) => {
        const mode =
          req.compatibility_mode === undefined
            ? undefined
            : parseCompatibilityMode(req.compatibility_mode);
        try {
          const result = registry.check(
            req.subject,
            req.schema_type,
            req.new_schema_definition,
            mode,
          );
          return { is_compatible: result.compatible, errors: result.errors };
        } catch (error) {
          throw statusError(
            status.INTERNAL,
            `Failed to check compatibility: ${errorMessage(error)}`,
          );
        }
      },
      {
        wireSize: serializedSize('CheckCompatibility')(
          (r: CheckCompatibilityRequestMsg) => r.new_schema_definition,
        ),
      },
    ),
    DeleteSchemaVersion: unary<DeleteSchemaVersionRequestMsg, SuccessResponseMsg>(
      core,
      'DeleteSchemaVersion',
      (req) => {
        registry.deleteVersion(req.subject, req.version);
        return {
          success: true,
          message: `Deleted version ${req.version} for subject ${req.subject}`,
        };
      },
    ),
    SetCompatibilityMode: unary<SetCompatibilityModeRequestMsg, SuccessResponseMsg>(
      core,
      'SetCompatibilityMode',
      (req) => {
        const mode = parseCompatibilityMode(req.compatibility_mode);
        if (!mode) {
          throw statusError(
            status.INVALID_ARGUMENT,
            `Invalid compatibility mode: ${req.compatibility_mode}`,
          );
        }
        try {
          registry.setMode(req.subject, mode);
        } catch (error) {
          throw statusError(
            status.INTERNAL,
            `Failed to set compatibility mode: ${errorMessage(error)}`,
          );
        }
        return {
          success: true,
          message: `Set compatibility mode to ${req.compatibility_mode} for subject ${req.subject}`,
        };
      },
    ),
    ConfigureTopicSchema: unary<ConfigureTopicSchemaRequestMsg, SuccessResponseMsg>(
      core,
      'ConfigureTopicSchema',
      (req) => {
        const policy = parsePolicy(req.validation_policy);
        if (!registry.subject(req.schema_subject)) {
          throw statusError(
            status.NOT_FOUND,
            `Schema subject '${req.schema_subject}' not found in registry: Schema metadata not found for subject: ${req.schema_subject}`,
          );
        }
        const topic = topicOrNotFound(core, req.topic_name);
        topic.schemaSubject = req.schema_subject;
        topic.validationPolicy = policy;
        topic.payloadValidation = req.enable_payload_validation;
        return {
          success: true,
          message: `Topic '${req.topic_name}' configured with schema '${req.schema_subject}', validation policy '${policyLabel(policy)}', payload validation ${req.enable_payload_validation ? 'enabled' : 'disabled'}`,
        };
      },
    ),
    UpdateTopicValidationPolicy: unary<UpdateTopicValidationPolicyRequestMsg, SuccessResponseMsg>(
      core,
      'UpdateTopicValidationPolicy',
      (req) => {
        const policy = parsePolicy(req.validation_policy);
        const topic = topicOrNotFound(core, req.topic_name);
        if (topic.schemaSubject === undefined) {
          throw statusError(
            status.FAILED_PRECONDITION,
            `Topic '${req.topic_name}' has no schema subject configured. Use ConfigureTopicSchema first.`,
          );
        }
        topic.validationPolicy = policy;
        topic.payloadValidation = req.enable_payload_validation;
        return {
          success: true,
          message: `Validation policy updated to '${policyLabel(policy)}', payload validation ${req.enable_payload_validation ? 'enabled' : 'disabled'}`,
        };
      },
    ),
    GetTopicSchemaConfig: unary<TopicNameRequestMsg, GetTopicSchemaConfigResponseMsg>(
      core,
      'GetTopicSchemaConfig',
      (req) => {
        const topic = topicOrNotFound(core, req.topic_name);
        return {
          schema_subject: topic.schemaSubject ?? '',
          validation_policy: topic.validationPolicy,
          enable_payload_validation: topic.payloadValidation,
          // Danube v0.15 always answers 0: it reads `schema_id` from subject metadata that
          // stores the id as `id`. Clients must not rely on it, so neither do we.
          schema_id: '0',
        };
      },
    ),
    ListSubjects: unary<unknown, ListSubjectsResponseMsg>(core, 'ListSubjects', () => ({
      subjects: registry.list().map((record) => {
        const latest = record.versions.at(-1);
        return {
          subject: record.subject,
          schema_type: latest?.schema.type ?? 'bytes',
          latest_version: record.lastVersion,
          compatibility_mode: record.mode,
          schema_id: record.schemaId,
          tags: latest?.tags ?? [],
        };
      }),
    })),
  };
}
