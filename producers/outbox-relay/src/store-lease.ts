import { setTimeout as sleep } from 'node:timers/promises';
import { errorCode, lockKeyFor, type Logger } from '@retail-stream/runtime';
import pg from 'pg';

export interface StoreLeaseOptions {
  storeId: string;
  connectionString: string;
  retryMs: number;
  logger: Logger;
  applicationName?: string;
}

/** One key per store, whatever the destination: two publishers of one outbox would race on published_at. */
export function leaseKey(storeId: string): bigint {
  return lockKeyFor(`retail-stream:outbox-relay:${storeId}`);
}

/**
 * "Only one relay publishes a store's outbox at a time", as a session-level advisory lock on a
 * dedicated connection. The lock lives exactly as long as that session: if the holder dies (even
 * kill -9), Postgres ends the session and a standby's next pg_try_advisory_lock succeeds. There is
 * no expiry to tune and no clock involved.
 *
 * The holder also reads its batches through this session, so every batch starts with proof that
 * the session (and therefore the lock) is still alive. If the session breaks, `lost` aborts and
 * the relay stops publishing before its next batch.
 */
export class StoreLease {
  private client: pg.Client | undefined;
  private lostController = new AbortController();
  private isHeld = false;

  constructor(private readonly opts: StoreLeaseOptions) {}

  get held(): boolean {
    return this.isHeld;
  }

  /** Aborts when the lease's session breaks while held. */
  get lost(): AbortSignal {
    return this.lostController.signal;
  }

  /**
   * Waits (standing by) until this instance holds the lease, then returns its session; undefined
   * when `signal` aborted first.
   */
  async acquire(signal: AbortSignal): Promise<pg.Client | undefined> {
    const key = leaseKey(this.opts.storeId).toString();
    let announced = false;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const client = this.client ?? (await this.connect());
        const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
        if (rows[0]?.ok) {
          this.isHeld = true;
          this.lostController = new AbortController();
          return client;
        }
        if (!announced) {
          this.opts.logger.info(
            { store_id: this.opts.storeId },
            'another relay holds the store lease; standing by',
          );
          announced = true;
        }
      } catch (err) {
        // Database down: say so once, then again every ~30 attempts, not every second.
        failures++;
        const level = failures === 1 || failures % 30 === 0 ? 'warn' : 'debug';
        this.opts.logger[level](
          { err, code: errorCode(err), failures },
          'cannot reach the store database for the lease; will retry',
        );
        await this.dropClient();
      }
      await sleep(this.opts.retryMs, undefined, { signal }).catch(() => undefined);
    }
    return undefined;
  }

  /** Gives the lease up: the session ends, which releases the lock (unlocking first is a courtesy). */
  async release(): Promise<void> {
    if (this.client && this.isHeld) {
      await this.client
        .query('SELECT pg_advisory_unlock($1)', [leaseKey(this.opts.storeId).toString()])
        .catch(() => undefined);
    }
    this.isHeld = false;
    await this.dropClient();
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: this.opts.applicationName ?? 'outbox-relay-lease',
      // Half-open TCP must not keep a dead holder's session (and its lock) alive for the OS default
      // of two hours: the client probes after 10 s idle, and the server drops a holder whose host
      // vanished after ~60 s (30 s idle + 3 probes 10 s apart), so a standby can take over.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      options: '-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3',
    });
    const onBroken = (err?: Error) => {
      if (this.client !== client) return;
      if (this.isHeld) {
        this.opts.logger.error({ err }, 'lease session lost; stopping publishing for this store');
        this.isHeld = false;
        this.lostController.abort(err ?? new Error('lease session ended'));
      }
      this.client = undefined;
    };
    client.on('error', onBroken);
    client.on('end', () => onBroken());
    await client.connect();
    this.client = client;
    return client;
  }

  private async dropClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.end().catch(() => undefined);
  }
}
