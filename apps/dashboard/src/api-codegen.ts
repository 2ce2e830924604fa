import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';

/**
 * The dashboard's types for the reports API, generated from the API's own description
 * (sinks/postgres/openapi.yaml, which the reports API's tests hold to the code) with
 * openapi-typescript, so the dashboard never redeclares a response shape. Tooling only: not
 * exported from the package index, so the server never loads openapi-typescript or prettier.
 */

const here = path.dirname(fileURLToPath(import.meta.url));

export const OPENAPI_FILE = path.resolve(here, '../../../sinks/postgres/openapi.yaml');
export const GENERATED_FILE = path.resolve(here, '../web/generated/reports-api.ts');

const HEADER = `// generated — do not edit.
// Source: sinks/postgres/openapi.yaml (openapi-typescript). Regenerate with
// \`npm run generate -w @retail-stream/dashboard\`; apps/dashboard/src/api-codegen.test.ts fails
// while this file is stale.

`;

/** The generated module, formatted with the repository's prettier settings. */
export async function generateApiTypesSource(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(OPENAPI_FILE));
  const options = (await resolveConfig(GENERATED_FILE)) ?? {};
  return format(HEADER + astToString(ast), { ...options, filepath: GENERATED_FILE });
}
