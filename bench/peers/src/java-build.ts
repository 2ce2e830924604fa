import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { say } from './peer-env.ts';

export const peersDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const JARS = {
  kafkaStreams: path.join(peersDir, 'kafka-streams-kpi', 'target', 'kafka-streams-kpi-0.1.0.jar'),
  debezium: path.join(peersDir, 'debezium-outbox', 'target', 'debezium-outbox-0.1.0.jar'),
};

/** Builds both peers (niced): offline from the local Maven repository when it has everything, else online. */
export function buildPeers(): void {
  const mvn = (offline: boolean) =>
    execFileSync(
      'nice',
      ['-n', '10', 'mvn', '-B', '-q', ...(offline ? ['-o'] : []), 'package', '-DskipTests'],
      {
        cwd: peersDir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  const started = Date.now();
  try {
    mvn(true);
  } catch {
    say('peers: offline Maven build failed (missing artifacts?), building online');
    mvn(false);
  }
  for (const jar of Object.values(JARS)) if (!fs.existsSync(jar)) throw new Error(`build left no ${jar}`);
  say(`peers: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
