import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dashboards } from './dashboards.ts';

/**
 * Writes the dashboards as Grafana JSON: `npx tsx deploy/observability/grafana/src/build-dashboards.ts`.
 * The JSON files are committed (Grafana imports them as they are); a test fails when they differ
 * from what this writes.
 */
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dashboards');
fs.mkdirSync(out, { recursive: true });
for (const [file, model] of Object.entries(dashboards())) {
  fs.writeFileSync(path.join(out, file), `${JSON.stringify(model, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), path.join(out, file))}`);
}
