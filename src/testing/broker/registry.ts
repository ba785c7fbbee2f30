import {
  checkCompatibility,
  type CompatibilityMode,
  type CompatibilityResult,
} from './compatibility.js';
import { parseSchema, type ParsedSchema } from './schema-definitions.js';
import { DanubeConnectError } from '../../errors.js';

/** One version of a subject. */
export interface SchemaVersionRecord {
  version: number;
  schema: ParsedSchema;
  /** Seconds since the epoch, as the real registry stores it. */
  createdAt: bigint;
  createdBy: string;
  description: string;
  tags: string[];
}

/** A subject: one schema id, versions 1..n under it, a compatibility mode. */
export interface SubjectRecord {
  subject: string;
  schemaId: string;
  mode: CompatibilityMode;
  versions: SchemaVersionRecord[];
  /** Highest version number ever handed out (deleted versions are not reused). */
  lastVersion: number;
}

/** What registering a definition gave. */
export interface RegisterResult {
  schemaId: string;
  version: number;
  isNewVersion: boolean;
  fingerprint: string;
}

/** Label of a mode as the real broker prints it with `{:?}` (e.g. `Backward`). */
function modeLabel(mode: CompatibilityMode): string {
  return mode.charAt(0).toUpperCase() + mode.slice(1);
}

/**
 * The schema registry's data: subjects with one id each and numbered versions,
 * compatibility checks on registration (default mode backward).
 */
export class SchemaRegistryStore {
  private readonly subjects = new Map<string, SubjectRecord>();
  private readonly bySchemaId = new Map<string, string>();

  constructor(private readonly nextId: () => string) {}

  /** Whether `id` is a schema id in use (for id uniqueness). */
  hasSchemaId(id: string): boolean {
    return this.bySchemaId.has(id);
  }

  /** Registers `definition` under `subject`; an identical definition returns its version. */
  register(
    subject: string,
    schemaType: string,
    definition: Buffer,
    meta: { description: string; createdBy: string; tags: string[] },
  ): RegisterResult {
    const schema = parseSchema(schemaType, definition);
    const existing = this.subjects.get(subject);
    const now = BigInt(Math.floor(Date.now() / 1000));
    if (!existing) {
      const schemaId = this.nextId();
      const record: SubjectRecord = {
        subject,
        schemaId,
        mode: 'backward',
        versions: [{ version: 1, schema, createdAt: now, ...meta }],
        lastVersion: 1,
      };
      this.subjects.set(subject, record);
      this.bySchemaId.set(schemaId, subject);
      return { schemaId, version: 1, isNewVersion: true, fingerprint: schema.fingerprint };
    }
    const same = existing.versions.find((v) => v.schema.fingerprint === schema.fingerprint);
    if (same) {
      return {
        schemaId: existing.schemaId,
        version: same.version,
        isNewVersion: false,
        fingerprint: schema.fingerprint,
      };
    }
    const latest = existing.versions.at(-1);
    if (latest && existing.mode !== 'none') {
      const result = checkCompatibility(latest.schema, schema, existing.mode);
      if (!result.compatible) {
        throw new DanubeConnectError(
          'schema',
          `Schema is not compatible with subject '${subject}' (mode: ${modeLabel(existing.mode)}): ${result.errors.join('; ')}`,
        );
      }
    }
    const version = existing.lastVersion + 1;
    existing.lastVersion = version;
    existing.versions.push({ version, schema, createdAt: now, ...meta });
    return {
      schemaId: existing.schemaId,
      version,
      isNewVersion: true,
      fingerprint: schema.fingerprint,
    };
  }

  /** Checks a definition against the subject's latest version without registering it. */
  check(
    subject: string,
    schemaType: string,
    definition: Buffer,
    mode?: CompatibilityMode,
  ): CompatibilityResult {
    const schema = parseSchema(schemaType, definition);
    const record = this.require(subject);
    const latest = record.versions.at(-1);
    const effective = mode ?? record.mode;
    if (effective === 'none') return { compatible: true, errors: [] };
    if (!latest) throw new DanubeConnectError('not_found', 'No existing versions found');
    return checkCompatibility(latest.schema, schema, effective);
  }

  /** The subject record, or undefined. */
  subject(subject: string): SubjectRecord | undefined {
    return this.subjects.get(subject);
  }

  /** The subject a schema id belongs to. */
  subjectOfId(schemaId: string): SubjectRecord | undefined {
    const subject = this.bySchemaId.get(schemaId);
    return subject === undefined ? undefined : this.subjects.get(subject);
  }

  /** A version of a subject, or undefined. */
  version(record: SubjectRecord, version: number): SchemaVersionRecord | undefined {
    return record.versions.find((v) => v.version === version);
  }

  /** All subjects, in registration order. */
  list(): SubjectRecord[] {
    return [...this.subjects.values()];
  }

  /** Sets the compatibility mode of an existing subject. */
  setMode(subject: string, mode: CompatibilityMode): void {
    this.require(subject).mode = mode;
  }

  /**
   * Deletes one version of a subject. Like the real broker, deleting a version or subject
   * that does not exist succeeds.
   */
  deleteVersion(subject: string, version: number): void {
    const record = this.subjects.get(subject);
    const index = record?.versions.findIndex((v) => v.version === version) ?? -1;
    if (record && index >= 0) record.versions.splice(index, 1);
  }

  /** Forgets everything. */
  clear(): void {
    this.subjects.clear();
    this.bySchemaId.clear();
  }

  private require(subject: string): SubjectRecord {
    const record = this.subjects.get(subject);
    if (!record)
      throw new DanubeConnectError(
        'not_found',
        `Schema metadata not found for subject: ${subject}`,
      );
    return record;
  }
}
