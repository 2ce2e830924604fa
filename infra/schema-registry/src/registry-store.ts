import { parseAvroType, type AvroType } from './avro-type.ts';
import { compatibilityProblems } from './compatibility.ts';
import type { CompatibilityLevel } from './compatibility-level.ts';
import { RegistryError } from './errors.ts';
import type { EventSink, RegistryEvent } from './events.ts';
import {
  dependencyTexts,
  identityOf,
  prepareSchema,
  type SchemaLookup,
  type SchemaRecord,
} from './schema-preparation.ts';
import type { SchemaInput, SchemaReference, SubjectVersion, VersionSpec } from './types.ts';

interface VersionRecord {
  id: number;
  deleted: boolean;
}

export interface RegistryStoreOptions {
  /** Global level until someone PUTs /config (that choice is persisted and wins from then on). */
  defaultCompatibility: CompatibilityLevel;
  sink: EventSink;
}

export interface RegistryStats {
  subjects: number;
  versions: number;
  schemas: number;
}

/**
 * Subjects → versions → global schema ids, with Confluent's rules: ids are global and keyed by the
 * canonical schema plus its references, so the same schema under two subjects shares one id; ids
 * are never reused for a different schema; versions are soft-deleted first and only then may be
 * deleted permanently.
 *
 * Every change is an event: validated here, handed to the sink (the fsynced log) and only then
 * applied. Everything is synchronous, so requests cannot interleave between check and change.
 */
export class RegistryStore {
  /** Kept after deletes: the log keeps them anyway, and it is what stops an id from being reused. */
  private readonly schemas = new Map<number, SchemaRecord>();
  private readonly idsByIdentity = new Map<string, number>();
  private readonly subjects = new Map<string, Map<number, VersionRecord>>();
  private readonly subjectLevels = new Map<string, CompatibilityLevel>();
  private globalLevel: CompatibilityLevel | undefined;
  private lastId = 0;
  private readonly parsedTypes = new Map<number, AvroType>();

  constructor(
    private readonly options: RegistryStoreOptions,
    history: Iterable<RegistryEvent> = [],
  ) {
    for (const event of history) this.apply(event);
  }

  // ── subjects and versions ──────────────────────────────────────────────────

  /** Idempotent: a schema already live under the subject returns its id and adds no version. */
  register(subject: string, input: SchemaInput): { id: number; version: number; created: boolean } {
    const candidate = prepareSchema(input, this.storedSchema);
    const live = this.versionsOf(subject, false);
    const knownId = this.idsByIdentity.get(candidate.identity);
    const existing = live.find(([, record]) => record.id === knownId);
    if (existing && knownId !== undefined) return { id: knownId, version: existing[0], created: false };

    const level = this.effectiveCompatibility(subject);
    const problems = compatibilityProblems(level, candidate.type, this.previousVersions(live));
    if (problems.length > 0) {
      throw new RegistryError(
        'INCOMPATIBLE_SCHEMA',
        `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: ${problems.join('; ')}`,
      );
    }
    const id = knownId ?? this.lastId + 1;
    const all = this.versionsOf(subject, true);
    const version = (all.at(-1)?.[0] ?? 0) + 1;
    this.emit({
      type: 'schema-registered',
      subject,
      version,
      id,
      schema: candidate.schema,
      references: candidate.references,
    });
    return { id, version, created: true };
  }

  /** POST /subjects/:subject — which version of this subject, if any, holds exactly this schema. */
  lookup(subject: string, input: SchemaInput, includeDeleted: boolean): SubjectVersion {
    const candidate = prepareSchema(input, this.storedSchema);
    const visible = this.existingVersions(subject, includeDeleted);
    const id = this.idsByIdentity.get(candidate.identity);
    const match = visible.findLast(([, record]) => record.id === id);
    if (!match) throw new RegistryError('SCHEMA_NOT_FOUND', 'Schema not found');
    return this.describe(subject, match[0], match[1]);
  }

  listSubjects(includeDeleted: boolean): string[] {
    return [...this.subjects.keys()].filter((s) => this.versionsOf(s, includeDeleted).length > 0).sort();
  }

  listVersions(subject: string, includeDeleted: boolean): number[] {
    return this.existingVersions(subject, includeDeleted).map(([version]) => version);
  }

  getVersion(subject: string, spec: VersionSpec, includeDeleted: boolean): SubjectVersion {
    const [version, record] = this.resolveVersion(spec, this.existingVersions(subject, includeDeleted));
    return this.describe(subject, version, record);
  }

  /** Soft delete hides a version from clients and compatibility checks; its id keeps resolving. */
  deleteVersion(subject: string, spec: VersionSpec, permanent: boolean): number {
    const all = this.existingVersions(subject, true);
    // `latest` peels live versions one by one when soft deleting; a number may name a deleted one.
    const candidates = spec === 'latest' && !permanent ? all.filter(([, r]) => !r.deleted) : all;
    const [version, record] = this.resolveVersion(spec, candidates);
    if (!permanent && record.deleted) {
      throw new RegistryError(
        'VERSION_SOFT_DELETED',
        `Subject '${subject}' Version ${version} was soft deleted. Set permanent=true to delete permanently`,
      );
    }
    if (permanent && !record.deleted) {
      throw new RegistryError(
        'VERSION_NOT_SOFT_DELETED',
        `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
      );
    }
    this.refuseIfReferenced(subject, (v) => v === version);
    this.emit({ type: 'version-deleted', subject, version, permanent });
    return version;
  }

  /** Returns the versions it deleted: the live ones (soft) or all remaining ones (permanent). */
  deleteSubject(subject: string, permanent: boolean): number[] {
    const all = this.existingVersions(subject, true);
    const live = all.filter(([, record]) => !record.deleted);
    if (!permanent && live.length === 0) {
      throw new RegistryError(
        'SUBJECT_SOFT_DELETED',
        `Subject '${subject}' was soft deleted. Set permanent=true to delete permanently`,
      );
    }
    if (permanent && live.length > 0) {
      throw new RegistryError(
        'SUBJECT_NOT_SOFT_DELETED',
        `Subject '${subject}' was not deleted first before being permanently deleted`,
      );
    }
    this.refuseIfReferenced(subject, () => true);
    this.emit({ type: 'subject-deleted', subject, permanent });
    return (permanent ? all : live).map(([version]) => version);
  }

  /** Ids of the schemas whose references point at this subject version. */
  referencedBy(subject: string, spec: VersionSpec): number[] {
    const [version] = this.resolveVersion(spec, this.existingVersions(subject, true));
    const ids = this.referrers(subject, (v) => v === version).map((r) => r.id);
    return [...new Set(ids)].sort((a, b) => a - b);
  }

  // ── schemas by id ──────────────────────────────────────────────────────────

  /** An id resolves while any version (even soft-deleted) uses it: consumers still hold its data. */
  schemaById(id: number): { schema: string; references: SchemaReference[] } {
    const record = this.schemas.get(id);
    if (!record || this.usagesOf(id, true).length === 0) {
      throw new RegistryError('SCHEMA_NOT_FOUND', `Schema ${id} not found`);
    }
    return { schema: record.schema, references: record.references };
  }

  subjectVersionsOfId(id: number, includeDeleted: boolean): { subject: string; version: number }[] {
    this.schemaById(id);
    return this.usagesOf(id, includeDeleted);
  }

  // ── compatibility ──────────────────────────────────────────────────────────

  globalCompatibility(): CompatibilityLevel {
    return this.globalLevel ?? this.options.defaultCompatibility;
  }

  setGlobalCompatibility(level: CompatibilityLevel): CompatibilityLevel {
    this.emit({ type: 'compatibility-set', subject: null, level });
    return level;
  }

  subjectCompatibility(subject: string, defaultToGlobal: boolean): CompatibilityLevel {
    const level = this.subjectLevels.get(subject);
    if (level) return level;
    if (defaultToGlobal) return this.globalCompatibility();
    throw noSubjectLevel(subject);
  }

  /** Like Confluent, a level may be set before the subject has any version. */
  setSubjectCompatibility(subject: string, level: CompatibilityLevel): CompatibilityLevel {
    this.emit({ type: 'compatibility-set', subject, level });
    return level;
  }

  /** Returns the level that was removed; the subject falls back to the global level. */
  deleteSubjectCompatibility(subject: string): CompatibilityLevel {
    const level = this.subjectLevels.get(subject);
    if (!level) {
      if (this.versionsOf(subject, true).length === 0) throw subjectNotFound(subject);
      throw noSubjectLevel(subject);
    }
    this.emit({ type: 'compatibility-deleted', subject });
    return level;
  }

  /**
   * POST /compatibility: checks against one version (`spec`) or, without one, every live version,
   * under the subject's level. With a single version transitive and plain levels agree.
   */
  compatibilityProblems(subject: string, spec: VersionSpec | undefined, input: SchemaInput): string[] {
    const candidate = prepareSchema(input, this.storedSchema);
    const live = this.existingVersions(subject, false);
    const against = spec === undefined ? live : [this.resolveVersion(spec, live)];
    return compatibilityProblems(
      this.effectiveCompatibility(subject),
      candidate.type,
      this.previousVersions(against),
    );
  }

  stats(): RegistryStats {
    const ids = new Set<number>();
    let versions = 0;
    for (const byVersion of this.subjects.values()) {
      for (const record of byVersion.values()) {
        ids.add(record.id);
        if (!record.deleted) versions++;
      }
    }
    return { subjects: this.listSubjects(false).length, versions, schemas: ids.size };
  }

  // ── state changes ──────────────────────────────────────────────────────────

  private emit(event: RegistryEvent): void {
    this.options.sink.append(event);
    this.apply(event);
  }

  private apply(event: RegistryEvent): void {
    switch (event.type) {
      case 'schema-registered': {
        if (!this.schemas.has(event.id))
          this.schemas.set(event.id, { schema: event.schema, references: event.references });
        this.idsByIdentity.set(identityOf(event.schema, event.references), event.id);
        this.lastId = Math.max(this.lastId, event.id);
        const versions = this.subjects.get(event.subject) ?? new Map<number, VersionRecord>();
        versions.set(event.version, { id: event.id, deleted: false });
        this.subjects.set(event.subject, versions);
        return;
      }
      case 'version-deleted': {
        const versions = this.subjects.get(event.subject);
        if (event.permanent) versions?.delete(event.version);
        else if (versions?.get(event.version)) versions.get(event.version)!.deleted = true;
        if (versions?.size === 0) this.subjects.delete(event.subject);
        return;
      }
      case 'subject-deleted': {
        // Confluent drops the subject's own level with the subject, soft or not.
        this.subjectLevels.delete(event.subject);
        if (event.permanent) this.subjects.delete(event.subject);
        else for (const record of this.subjects.get(event.subject)?.values() ?? []) record.deleted = true;
        return;
      }
      case 'compatibility-set':
        if (event.subject === null) this.globalLevel = event.level;
        else this.subjectLevels.set(event.subject, event.level);
        return;
      case 'compatibility-deleted':
        this.subjectLevels.delete(event.subject);
        return;
    }
  }

  // ── helpers ────────────────────────────────────────────────────────────────

  /** The stored schema a reference points to (subject, version), deleted versions included. */
  private readonly storedSchema: SchemaLookup = (subject, version) => {
    const record = this.subjects.get(subject)?.get(version);
    return record && this.schemas.get(record.id);
  };

  private typeOf(id: number): AvroType {
    let type = this.parsedTypes.get(id);
    if (!type) {
      const record = this.schemas.get(id)!;
      type = parseAvroType(record.schema, dependencyTexts(record.references, this.storedSchema));
      this.parsedTypes.set(id, type);
    }
    return type;
  }

  private previousVersions(versions: [number, VersionRecord][]) {
    return versions.map(([version, record]) => ({ version, type: this.typeOf(record.id) }));
  }

  private effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.subjectLevels.get(subject) ?? this.globalCompatibility();
  }

  /** Versions in ascending order; soft-deleted ones only when asked for. */
  private versionsOf(subject: string, includeDeleted: boolean): [number, VersionRecord][] {
    return [...(this.subjects.get(subject) ?? new Map<number, VersionRecord>())]
      .filter(([, record]) => includeDeleted || !record.deleted)
      .sort(([a], [b]) => a - b);
  }

  /** Like versionsOf, but a subject with nothing to show does not exist (40401), as in Confluent. */
  private existingVersions(subject: string, includeDeleted: boolean): [number, VersionRecord][] {
    const versions = this.versionsOf(subject, includeDeleted);
    if (versions.length === 0) throw subjectNotFound(subject);
    return versions;
  }

  private resolveVersion(spec: VersionSpec, candidates: [number, VersionRecord][]): [number, VersionRecord] {
    const found = spec === 'latest' ? candidates.at(-1) : candidates.find(([version]) => version === spec);
    if (!found) throw new RegistryError('VERSION_NOT_FOUND', `Version ${spec} not found.`);
    return found;
  }

  private describe(subject: string, version: number, record: VersionRecord): SubjectVersion {
    const { schema, references } = this.schemas.get(record.id)!;
    return { subject, version, id: record.id, schema, references, deleted: record.deleted };
  }

  private usagesOf(id: number, includeDeleted: boolean): { subject: string; version: number }[] {
    // A linear scan: a registry holds thousands of versions at most, and an index is one more
    // thing to keep in step with deletes.
    const usages: { subject: string; version: number }[] = [];
    for (const subject of [...this.subjects.keys()].sort()) {
      for (const [version, record] of this.versionsOf(subject, includeDeleted)) {
        if (record.id === id) usages.push({ subject, version });
      }
    }
    return usages;
  }

  /** Deleting a version another schema references would make that schema unparseable. */
  private refuseIfReferenced(subject: string, isTarget: (version: number) => boolean): void {
    const referrers = this.referrers(subject, isTarget).filter((r) => r.subject !== subject);
    if (referrers.length > 0) {
      const names = referrers.map((r) => `${r.subject} version ${r.version}`).join(', ');
      throw new RegistryError(
        'REFERENCE_EXISTS',
        `One or more references exist to subject '${subject}': ${names}; delete those first`,
      );
    }
  }

  /** Every existing version (live or soft-deleted) whose references point into `subject`. */
  private referrers(subject: string, isTarget: (version: number) => boolean) {
    const found: { subject: string; version: number; id: number }[] = [];
    for (const [referrer, versions] of this.subjects) {
      for (const [version, record] of versions) {
        const refs = this.schemas.get(record.id)?.references ?? [];
        if (refs.some((r) => r.subject === subject && isTarget(r.version)))
          found.push({ subject: referrer, version, id: record.id });
      }
    }
    return found;
  }
}

function subjectNotFound(subject: string): RegistryError {
  return new RegistryError('SUBJECT_NOT_FOUND', `Subject '${subject}' not found.`);
}

function noSubjectLevel(subject: string): RegistryError {
  return new RegistryError(
    'SUBJECT_COMPATIBILITY_NOT_CONFIGURED',
    `Subject '${subject}' does not have subject-level compatibility configured`,
  );
}
