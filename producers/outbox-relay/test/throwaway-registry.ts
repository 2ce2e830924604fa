import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '@retail-stream/runtime/testing';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The in-repo registry (infra/schema-registry) on its own port and data dir; restartable with its data. */
export class ThrowawayRegistry {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async create(): Promise<ThrowawayRegistry> {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'relay-test-registry-'));
    return new ThrowawayRegistry(await freePort(), dataDir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const main = path.join(REPO_ROOT, 'infra', 'schema-registry', 'src', 'main.ts');
    this.child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        SCHEMA_REGISTRY_DATA_DIR: this.dataDir,
        SCHEMA_REGISTRY_PORT: String(this.port),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    await waitFor(async () => (await fetch(`${this.url}/subjects`).catch(() => undefined))?.ok, {
      what: `registry on ${this.url}`,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await fs.rm(this.dataDir, { recursive: true, force: true });
  }
}
