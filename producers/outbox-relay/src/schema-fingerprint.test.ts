import { buildCatalogue, catalogue, type SchemaFile } from '@retail-stream/schemas';
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
});
