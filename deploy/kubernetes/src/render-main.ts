import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderFiles } from './render.ts';

/** `npm run k8s:render`: writes every generated manifest; manifests.test.ts fails when they are stale. */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
for (const [file, text] of renderFiles()) {
  const target = path.join(root, file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  process.stdout.write(`wrote deploy/kubernetes/${file}\n`);
}
