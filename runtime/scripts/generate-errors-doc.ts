import fs from 'node:fs';
import { ERRORS_DOC_FILE, renderErrorsDoc } from '../src/errors/errors-doc.ts';

// Writes docs/errors.md from the error catalogue (runtime/src/errors/catalogue/).
fs.writeFileSync(ERRORS_DOC_FILE, renderErrorsDoc());
process.stdout.write(`wrote ${ERRORS_DOC_FILE}\n`);
