import fs from 'node:fs';
import path from 'node:path';
import { composeKafkaSetupScript } from './compose-kafka-setup.ts';
import { repoRoot } from './infra-config.ts';

/** `npm run infra:compose-setup`: rewrites infra/kafka/compose-setup.sh from the principals table. */
const target = path.join(repoRoot, 'infra', 'kafka', 'compose-setup.sh');
fs.writeFileSync(target, composeKafkaSetupScript(), { mode: 0o755 });
process.stdout.write(`wrote ${path.relative(repoRoot, target)}\n`);
