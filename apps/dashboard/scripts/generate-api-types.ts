/**
 * Writes web/generated/reports-api.ts from sinks/postgres/openapi.yaml:
 * `npm run generate -w @retail-stream/dashboard`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GENERATED_FILE, generateApiTypesSource } from '../src/api-codegen.ts';

const source = await generateApiTypesSource();
const before = fs.existsSync(GENERATED_FILE) ? fs.readFileSync(GENERATED_FILE, 'utf8') : undefined;
fs.mkdirSync(path.dirname(GENERATED_FILE), { recursive: true });
fs.writeFileSync(GENERATED_FILE, source);
const what = before === source ? 'unchanged' : before === undefined ? 'created' : 'updated';
process.stdout.write(`${path.relative(process.cwd(), GENERATED_FILE)} ${what}\n`);
