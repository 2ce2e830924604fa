/**
 * Writes src/generated/events.ts from the .avsc catalogue:
 * `npm run generate -w @retail-stream/schemas` (or `npx tsx schemas/scripts/generate-types.ts`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { catalogue } from '../src/catalogue.ts';
import { GENERATED_FILE, generateTypesSource } from '../src/codegen.ts';

const source = await generateTypesSource(catalogue);
const before = fs.existsSync(GENERATED_FILE) ? fs.readFileSync(GENERATED_FILE, 'utf8') : undefined;
fs.mkdirSync(path.dirname(GENERATED_FILE), { recursive: true });
fs.writeFileSync(GENERATED_FILE, source);
const what = before === source ? 'unchanged' : before === undefined ? 'created' : 'updated';
process.stdout.write(
  `${path.relative(process.cwd(), GENERATED_FILE)} ${what}: ${catalogue.schemas.length} types, ${catalogue.eventTypes.length} event types\n`,
);
