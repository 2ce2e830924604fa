/**
 * Registers every top-level record of the catalogue as one self-contained schema and sets each
 * subject to BACKWARD_TRANSITIVE: `npm run register -w @retail-stream/schemas`.
 * Reads SCHEMA_REGISTRY_URL (default http://127.0.0.1:18081). Exit 1 names the type the registry
 * refused; exit 78 on bad configuration.
 */
import { AppError, AvroSerde, loadConfigOrExit, schemaRegistryConfig } from '@retail-stream/runtime';
import { catalogue } from '../src/catalogue.ts';
import { registerSchemas } from '../src/register.ts';

const config = loadConfigOrExit(schemaRegistryConfig);
const registryUrl = config.SCHEMA_REGISTRY_URL;

try {
  const registered = await registerSchemas(AvroSerde.fromUrl(registryUrl), catalogue, {
    registryUrl,
  });
  const rows = [...registered.values()].map((r) => ({
    subject: r.subject,
    version: r.version,
    id: r.id,
    references: r.references.map((ref) => `${ref.name}@${ref.version}`).join(', '),
  }));
  console.table(rows);
  process.stdout.write(`registered ${rows.length} schemas at ${registryUrl} (BACKWARD_TRANSITIVE)\n`);
} catch (err) {
  const code = err instanceof AppError ? `${err.code}: ` : '';
  process.stderr.write(`schema registration failed: ${code}${(err as Error).message}\n`);
  process.exitCode = 1;
}
