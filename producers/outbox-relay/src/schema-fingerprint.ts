import crypto from 'node:crypto';
import { catalogue, type SchemaSet } from '@retail-stream/schemas';

/**
 * Identifies the exact writer schema of an event type: the record's text plus, transitively, the
 * text of every type it references (a changed SaleLine changes SaleRecorded's registered schema,
 * and so its id). A schema id remembered under one fingerprint is never used for another.
 */
export function schemaFingerprint(eventType: string, set: SchemaSet = catalogue): string {
  const root = set.schemas.find((s) => s.name === eventType && s.kind === 'record');
  if (!root) throw new RangeError(`unknown event type ${eventType}`);
  const seen = new Set<string>();
  const order: string[] = [];
  const visit = (fullName: string) => {
    if (seen.has(fullName)) return;
    seen.add(fullName);
    const schema = set.byFullName.get(fullName);
    if (!schema) throw new RangeError(`${eventType}: reference ${fullName} is not in the schema set`);
    for (const ref of schema.references) visit(ref.name);
    order.push(fullName);
  };
  visit(root.fullName);
  const hash = crypto.createHash('sha256');
  for (const fullName of order) hash.update(`${fullName}\n${set.byFullName.get(fullName)!.schemaText}\n`);
  return hash.digest('hex');
}
