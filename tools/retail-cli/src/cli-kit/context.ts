import { connectClickhouse } from '@retail-stream/clickhouse-sink';
import { createCassandraClient } from '@retail-stream/cassandra-sink';
import {
  AvroSerde,
  createKafka,
  createLogger,
  parseConfig,
  prepareSchema,
  schemaPool,
  type Logger,
} from '@retail-stream/runtime';
import { TOPICS } from '@retail-stream/schemas';
import type { ClickHouseClient } from '@clickhouse/client';
import type cassandra from 'cassandra-driver';
import type { Admin, Kafka } from 'kafkajs';
import os from 'node:os';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import pg from 'pg';
import { cliConfig, processEnv, type CliConfig } from './config.ts';
import { EXIT, type ExitCode } from './exit-codes.ts';
import { Output } from './output.ts';

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}

/** The kit's own tables (audit log, replay checkpoints) live in this HQ Postgres schema. */
export const OPS_SCHEMA = 'ops';
const OPS_MIGRATIONS = fileURLToPath(new URL('../../migrations/ops', import.meta.url));

/**
 * What every command gets: the config parsed once (on first use, so `--help` works with a broken
 * environment), clients opened on first use and closed together by `close()`, the output channel,
 * an abort signal for Ctrl-C, and the exit code a command sets when it ends without an error
 * (e.g. 2 for "differences found").
 */
export class CliContext {
  json = false;
  exitCode: ExitCode = EXIT.OK;
  readonly output: Output;
  readonly topics = TOPICS;
  private readonly interrupt = new AbortController();
  private cfg: CliConfig | undefined;
  private log: Logger | undefined;
  private kafkaClient: Kafka | undefined;
  private adminClient: Promise<Admin> | undefined;
  private serdeClient: AvroSerde | undefined;
  private pgPool: pg.Pool | undefined;
  private readonly schemaPools = new Map<string, Promise<pg.Pool>>();
  private chClients = new Map<string, ClickHouseClient>();
  private cassandraClients = new Map<string, Promise<cassandra.Client>>();
  private readonly closers: (() => Promise<unknown>)[] = [];

  constructor(
    readonly env: Record<string, string | undefined> = processEnv(),
    /** Where results and notes go (tests capture them; the CLI uses the process's). */
    readonly io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  ) {
    this.output = new Output(() => this.json, io.stdout, io.stderr);
  }

  /** Aborted on the first Ctrl-C: long commands finish the batch in flight, save and exit 130. */
  get signal(): AbortSignal {
    return this.interrupt.signal;
  }

  interruptNow(reason = 'SIGINT'): void {
    this.interrupt.abort(reason);
  }

  get config(): CliConfig {
    this.cfg ??= parseConfig(cliConfig, this.env);
    return this.cfg;
  }

  /** The environment with overrides, for building a service's own config (a sink's spec). */
  envWith(overrides: Record<string, string> = {}): Record<string, string | undefined> {
    return { ...this.env, ...overrides };
  }

  get logger(): Logger {
    this.log ??= createLogger({
      service: 'retail-cli',
      level: this.config.LOG_LEVEL,
      destination: pino.destination({ fd: 2, sync: true }),
    });
    return this.log;
  }

  get actor(): string {
    return this.config.RETAIL_ACTOR ?? osUser(this.env);
  }

  kafka(): Kafka {
    // kafkajs logs every failed connection attempt at error level; a CLI reports the final
    // error once (exit 69) instead, so its retries go to debug.
    this.kafkaClient ??= createKafka(this.config, 'retail-cli', this.logger, { quiet: () => true });
    return this.kafkaClient;
  }

  /** A connected admin client (one per run). */
  admin(): Promise<Admin> {
    this.adminClient ??= (async () => {
      const admin = this.kafka().admin();
      await admin.connect();
      this.closers.push(() => admin.disconnect());
      return admin;
    })();
    return this.adminClient;
  }

  serde(): AvroSerde {
    this.serdeClient ??= AvroSerde.fromConfig(this.config);
    return this.serdeClient;
  }

  /** A pool on the HQ database with no search path: qualify table names (`hq.sales`). */
  pg(): pg.Pool {
    if (!this.pgPool) {
      this.pgPool = new pg.Pool({
        connectionString: this.config.PG_URL,
        max: 4,
        connectionTimeoutMillis: this.config.PG_CONNECT_TIMEOUT_MS,
        application_name: 'retail-cli',
      });
      this.pgPool.on('error', () => undefined); // an idle client's socket error must not crash the CLI
      const pool = this.pgPool;
      this.closers.push(() => pool.end());
    }
    return this.pgPool;
  }

  /**
   * A pool whose search path is `schema`, after applying `migrationsDir`'s migrations there (once
   * per run). A command group with tables of its own gives its own schema and folder: each schema
   * has its own migration ledger, so groups never number migrations against each other.
   */
  schemaPool(schema: string, migrationsDir: string): Promise<pg.Pool> {
    let pool = this.schemaPools.get(schema);
    if (!pool) {
      pool = (async () => {
        const p = schemaPool(this.config.PG_URL, schema, {
          max: 2,
          connectionTimeoutMillis: this.config.PG_CONNECT_TIMEOUT_MS,
          applicationName: 'retail-cli',
        });
        p.on('error', () => undefined);
        this.closers.push(() => p.end());
        await prepareSchema(p, schema, { dir: migrationsDir, owner: 'retail-cli', logger: this.logger });
        return p;
      })();
      this.schemaPools.set(schema, pool);
    }
    return pool;
  }

  /** The kit's `ops` schema (audit_log, replay_checkpoints), migrated on first use. */
  ops(): Promise<pg.Pool> {
    return this.schemaPool(OPS_SCHEMA, OPS_MIGRATIONS);
  }

  /** A ClickHouse client on `database` (default CLICKHOUSE_DATABASE). */
  clickhouse(database: string = this.config.CLICKHOUSE_DATABASE): ClickHouseClient {
    let client = this.chClients.get(database);
    if (!client) {
      client = connectClickhouse(this.config, { database });
      this.chClients.set(database, client);
      const c = client;
      this.closers.push(() => c.close());
    }
    return client;
  }

  /** A connected Cassandra client, on `keyspace` if given (none: qualify table names). */
  cassandra(keyspace?: string): Promise<cassandra.Client> {
    const key = keyspace ?? '';
    let client = this.cassandraClients.get(key);
    if (!client) {
      client = (async () => {
        const c = createCassandraClient(this.config, { keyspace, applicationName: 'retail-cli' });
        this.closers.push(() => c.shutdown());
        await c.connect();
        return c;
      })();
      this.cassandraClients.set(key, client);
    }
    return client;
  }

  /** Something else to close at the end (a producer, a sink store). Closed in reverse order. */
  onClose(close: () => Promise<unknown>): void {
    this.closers.push(close);
  }

  /** Closes every client that was opened; errors while closing are ignored (the command is over). */
  async close(): Promise<void> {
    for (const close of this.closers.splice(0).reverse()) {
      await close().catch(() => undefined);
    }
    this.log?.flush();
  }
}

function osUser(env: Record<string, string | undefined>): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the shell's idea of the user, else the uid.
    return env.USER ?? env.LOGNAME ?? `uid:${process.getuid?.() ?? '?'}`;
  }
}
