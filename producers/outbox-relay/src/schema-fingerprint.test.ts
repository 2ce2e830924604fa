import { buildCatalogue, catalogue, type SchemaFile } from '@retail-stream/schemas';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AVRO_DIR } from '@retail-stream/schemas';
import { describe, expect, it } from 'vitest';
import { schemaFingerprint } from './schema-fingerprint.ts';

const files: SchemaFile[] = fs
  .readdirSync(AVRO_DIR)
  .filter((f) => f.endsWith('.avsc'))
  .map((file) => ({ file, text: fs.readFileSync(path.join(AVRO_DIR, file), 'utf8') }));

function withChangedDoc(file: string): ReturnType<typeof buildCatalogue> {
  return buildCatalogue(
    files.map((f) => {
      if (f.file !== file) return f;
      const json = JSON.parse(f.text) as { doc?: string };
      return { file: f.file, text: JSON.stringify({ ...json, doc: `${json.doc ?? ''} (changed)` }) };
    }),
  );
}

describe('schemaFingerprint', () => {
  it('is stable and differs between event types', () => {
    expect(schemaFingerprint('SaleRecorded')).toBe(schemaFingerprint('SaleRecorded'));
    expect(schemaFingerprint('SaleRecorded')).toMatch(/^[0-9a-f]{64}$/);
    const all = catalogue.storeEventTypes.map((t) => schemaFingerprint(t));
    expect(new Set(all).size).toBe(all.length);
  });

  it('changes when a referenced type changes, and only for the types that use it', () => {
    const changed = withChangedDoc('SaleLine.avsc');
    expect(schemaFingerprint('SaleRecorded', changed)).not.toBe(schemaFingerprint('SaleRecorded'));
    expect(schemaFingerprint('PaymentCaptured', changed)).toBe(schemaFingerprint('PaymentCaptured'));
  });

  it('differs from the fingerprint of the reference-based registration (an id learned then is not reused)', () => {
    // The pre-issue-15 fingerprint: each referenced type's own text, dependencies first.
    const legacy = (eventType: string) => {
      const hash = crypto.createHash('sha256');
      const order: string[] = [];
      const visit = (name: string) => {
        if (order.includes(name)) return;
        for (const ref of catalogue.byFullName.get(name)!.references) visit(ref.name);
        order.push(name);
      };
      visit(catalogue.events.get(eventType)!.fullName);
      for (const name of order) hash.update(`${name}\n${catalogue.byFullName.get(name)!.schemaText}\n`);
      return hash.digest('hex');
    };
    for (const t of catalogue.storeEventTypes) expect(schemaFingerprint(t), t).not.toBe(legacy(t));
  });
});
