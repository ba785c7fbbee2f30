import type { SchemaTypeName, VersionStrategy, WireFormat } from './types.js';

/** One version of a subject as the registry client returns it (definition unwrapped). */
export interface RegistrySchemaInfo {
  schemaId: string;
  version: number;
  subject: string;
  schemaType: string;
  definition: string;
}

/**
 * The registry calls the schema layer makes: a structural subset of the client's
 * `SchemaRegistryClient`, so tests can pass a fake and this folder does not depend on the client.
 */
export interface SchemaRegistryApi {
  /** Registers a definition under a subject; an identical one returns the existing version. */
  register(request: {
    subject: string;
    schemaType: string;
    definition: string | Buffer;
    description?: string;
    createdBy?: string;
  }): Promise<{ schemaId: string; version: number; isNewVersion: boolean }>;
  /** A version of a subject by schema id (the newest when `version` is omitted). */
  getSchema(schemaId: string, version?: number): Promise<RegistrySchemaInfo>;
  /** The newest version of a subject. */
  getLatest(subject: string): Promise<RegistrySchemaInfo>;
  /** Every version of a subject, oldest first. */
  listVersions(subject: string): Promise<Array<{ version: number; schemaId: string }>>;
  /** Whether a definition may become the subject's next version, with the reasons if not. */
  checkCompatibility(request: {
    subject: string;
    schemaType: string;
    definition: string | Buffer;
  }): Promise<{ compatible: boolean; errors: string[] }>;
}

/** One `[[schemas]]` entry, as the config layer's `SchemaMapping` gives it. */
export interface SchemaEntryConfig {
  topic: string;
  subject: string;
  schema_type: SchemaTypeName;
  schema_file?: string | undefined;
  auto_register: boolean;
  version_strategy: VersionStrategy;
  wire_format: WireFormat;
}

/** The part of `ConnectorConfig` the resolver reads. */
export interface SchemaLayerConfig {
  /** Folder of the configuration file: base for relative `schema_file` paths. */
  config_dir?: string | undefined;
  schemas: readonly SchemaEntryConfig[];
}
