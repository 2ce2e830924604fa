import crypto from 'node:crypto';
import { catalogue, composedSchemaText, type SchemaSet } from '@retail-stream/schemas';

/**
 * Identifies the exact writer schema of an event type as registered: the record's self-contained
 * (composed) text, which holds every type it uses inline (a changed SaleLine changes
 * SaleRecorded's registered schema, and so its id). A schema id remembered under one fingerprint is
 * never used for another — nor an id learned for the pre-issue-15 reference-based registration,
 * whose fingerprint was over the separate texts.
 */
export function schemaFingerprint(eventType: string, set: SchemaSet = catalogue): string {
  const root = set.schemas.find((s) => s.name === eventType && s.kind === 'record');
  if (!root) throw new RangeError(`unknown event type ${eventType}`);
  return crypto
    .createHash('sha256')
    .update(`${root.fullName}\n${composedSchemaText(set, root.fullName)}\n`)
    .digest('hex');
}
