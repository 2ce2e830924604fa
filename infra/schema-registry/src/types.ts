/** A named Avro type defined under another subject, as in Confluent's `references` array. */
export interface SchemaReference {
  /** Fully qualified Avro name the referencing schema uses, e.g. `com.acme.Address`. */
  name: string;
  subject: string;
  version: number;
}

/** What a client sends to register, look up or test a schema. */
export interface SchemaInput {
  schema: string;
  /** Absent or `AVRO`; anything else is refused because only Avro is implemented. */
  schemaType?: string | undefined;
  references?: SchemaReference[] | undefined;
}

/** A version number or Confluent's `latest` (also spelled `-1`). */
export type VersionSpec = number | 'latest';

export interface SubjectVersion {
  subject: string;
  version: number;
  id: number;
  /** Canonical Avro JSON, as stored and returned. */
  schema: string;
  references: SchemaReference[];
  deleted: boolean;
}
