import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * openapi.yaml as data, for the tests that hold the document to the code: the dashboard's types
 * are generated from it, so a field the API returns but the document lacks (or the reverse) would
 * reach the page mistyped.
 */

export const OPENAPI_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../openapi.yaml');

interface SchemaObject {
  $ref?: string;
  allOf?: SchemaObject[];
  required?: string[];
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
  [key: string]: unknown;
}

export interface Param {
  name?: string;
  $ref?: string;
}

export interface OpenApiDoc {
  openapi: string;
  paths: Record<
    string,
    {
      get: {
        parameters?: Param[];
        responses: Record<string, { content?: Record<string, { schema: SchemaObject }> }>;
      };
    }
  >;
  components: { parameters: Record<string, Param>; schemas: Record<string, SchemaObject> };
}

export const openapiDoc = parse(readFileSync(OPENAPI_FILE, 'utf8')) as OpenApiDoc;

const deref = (s: SchemaObject): SchemaObject =>
  s.$ref ? openapiDoc.components.schemas[s.$ref.split('/').pop()!]! : s;

/**
 * The fields of GET `route`'s 200 body as documented: for a page (`allOf: [Page, {items}]`) those
 * of one item. `required` and `properties` are both given so a test can check each.
 */
export function documentedFields(route: string): { page: boolean; required: string[]; properties: string[] } {
  const body = openapiDoc.paths[route]!.get.responses['200']!.content!['application/json']!.schema;
  const page = body.allOf !== undefined;
  const item = page
    ? deref(body.allOf!.find((s) => s.properties?.items)!.properties!.items!.items!)
    : deref(body);
  return { page, required: item.required ?? [], properties: Object.keys(item.properties ?? {}) };
}
