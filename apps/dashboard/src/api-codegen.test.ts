import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILE, generateApiTypesSource } from './api-codegen.ts';

describe('generated reports API types', () => {
  it('the committed web/generated/reports-api.ts is up to date (run `npm run generate -w @retail-stream/dashboard`)', async () => {
    const expected = await generateApiTypesSource();
    const committed = fs.readFileSync(GENERATED_FILE, 'utf8');
    // Compare line arrays so a failure shows the first stale line, not one huge string.
    expect(
      committed.split('\n'),
      'web/generated/reports-api.ts is stale: npm run generate -w @retail-stream/dashboard',
    ).toEqual(expected.split('\n'));
  });
});
