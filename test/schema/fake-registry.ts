import { DanubeConnectError } from '../../src/errors.js';
import type { RegistrySchemaInfo, SchemaRegistryApi } from '../../src/schema/index.js';

/** What the client's registry rejects with for a missing subject. */
class NotFound extends DanubeConnectError {
  constructor(message: string) {
    super('not_found', message);
  }
}

/**
 * A small in-memory registry for resolver unit tests: one id per subject, identical
 * definitions are not new versions, compatibility decided by a test-supplied function.
 * Integration tests use the embedded broker's real registry.
 */
export class FakeRegistry implements SchemaRegistryApi {
  readonly calls: string[] = [];
  private readonly subjects = new Map<string, { id: string; type: string; versions: string[] }>();
  /** Reasons a definition is incompatible with the subject (empty = compatible). */
  incompatibility: (subject: string, definition: string) => string[] = () => [];
  /** When set, register() fails with this message. */
  refuseRegistration: string | undefined;

  register(request: { subject: string; schemaType: string; definition: string | Buffer }) {
    this.calls.push(`register ${request.subject}`);
    if (this.refuseRegistration !== undefined)
      return Promise.reject(new Error(this.refuseRegistration));
    const definition = request.definition.toString();
    let subject = this.subjects.get(request.subject);
    if (subject === undefined) {
      subject = { id: String(1000 + this.subjects.size), type: request.schemaType, versions: [] };
      this.subjects.set(request.subject, subject);
    }
    const existing = subject.versions.indexOf(definition);
    if (existing >= 0)
      return Promise.resolve({ schemaId: subject.id, version: existing + 1, isNewVersion: false });
    subject.versions.push(definition);
    return Promise.resolve({
      schemaId: subject.id,
      version: subject.versions.length,
      isNewVersion: true,
    });
  }

  getSchema(schemaId: string, version?: number): Promise<RegistrySchemaInfo> {
    this.calls.push(`getSchema ${schemaId} ${version}`);
    for (const [name, subject] of this.subjects) {
      if (subject.id !== schemaId) continue;
      const v = version ?? subject.versions.length;
      const definition = subject.versions[v - 1];
      if (definition === undefined) return Promise.reject(new NotFound(`no version ${v}`));
      return Promise.resolve({
        schemaId,
        version: v,
        subject: name,
        schemaType: subject.type,
        definition,
      });
    }
    return Promise.reject(new NotFound(`no schema id ${schemaId}`));
  }

  getLatest(subject: string): Promise<RegistrySchemaInfo> {
    this.calls.push(`getLatest ${subject}`);
    const entry = this.subjects.get(subject);
    if (entry === undefined) return Promise.reject(new NotFound(`subject ${subject} not found`));
    return this.getSchema(entry.id);
  }

  listVersions(subject: string) {
    this.calls.push(`listVersions ${subject}`);
    const entry = this.subjects.get(subject);
    if (entry === undefined) return Promise.reject(new NotFound(`subject ${subject} not found`));
    return Promise.resolve(entry.versions.map((_, i) => ({ version: i + 1, schemaId: entry.id })));
  }

  checkCompatibility(request: { subject: string; definition: string | Buffer }) {
    this.calls.push(`checkCompatibility ${request.subject}`);
    const errors = this.incompatibility(request.subject, request.definition.toString());
    return Promise.resolve({ compatible: errors.length === 0, errors });
  }
}
