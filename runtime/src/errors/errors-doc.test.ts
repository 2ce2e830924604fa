import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from './catalogue/index.ts';
import { ERRORS_DOC_FILE, renderErrorsDoc } from './errors-doc.ts';

describe('docs/errors.md', () => {
  it('is generated from the current catalogue (run `npm run docs:errors`)', () => {
    const committed = fs.readFileSync(ERRORS_DOC_FILE, 'utf8');
    // Compare line arrays so a failure shows the first stale line, not one huge string.
    expect(committed.split('\n'), 'docs/errors.md is stale: npm run docs:errors').toEqual(
      renderErrorsDoc().split('\n'),
    );
  });

  it('lists every code once', () => {
    const doc = renderErrorsDoc();
    for (const code of Object.keys(ERROR_CATALOGUE)) {
      expect(doc.split(`| \`${code}\` |`).length - 1, code).toBe(1);
    }
  });
});
