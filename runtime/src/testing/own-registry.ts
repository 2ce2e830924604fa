import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.ts';
import { ServiceProcess } from './service-process.ts';

const MAIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../infra/schema-registry/src/main.ts',
);

/**
 * The in-repo registry (infra/schema-registry/src/main.ts) on a free port and a temporary data
 * dir, for a test that needs what the shared one refuses: e.g. hard deletes
 * (`SCHEMA_REGISTRY_ALLOW_PERMANENT_DELETE: 'true'`), which are off on the local stack's registry.
 */
export class OwnRegistry {
  private constructor(
    readonly url: string,
    private readonly proc: ServiceProcess,
    private readonly dataDir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<OwnRegistry> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'own-registry-'));
    const port = await freePort();
    const proc = new ServiceProcess(MAIN, {
      SCHEMA_REGISTRY_PORT: String(port),
      SCHEMA_REGISTRY_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      ...env,
    });
    try {
      await proc.waitForLog('schema registry listening', 60_000);
    } catch (err) {
      await proc.stop(5_000);
      fs.rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
    return new OwnRegistry(`http://127.0.0.1:${port}`, proc, dataDir);
  }

  async stop(): Promise<void> {
    await this.proc.stop(10_000);
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
