import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelayMs, defaultBackoff, type Logger } from '@retail-stream/runtime';
import type cassandra from 'cassandra-driver';
import { createCassandraClient } from './cassandra-client.ts';
import { toCassandraError } from './cassandra-errors.ts';
import type { CassandraConnectionConfig } from './config.ts';

/**
 * A connected client, retrying with backoff while Cassandra is not reachable (it starts slowly),
 * until `signal` aborts (shutdown during startup). A non-retriable failure (bad credentials)
 * throws at once.
 */
export async function connectWithRetry(
  config: CassandraConnectionConfig,
  applicationName: string,
  logger: Logger,
  signal: AbortSignal,
): Promise<cassandra.Client> {
  for (let attempt = 1; ; attempt++) {
    const client = createCassandraClient(config, { applicationName });
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.shutdown().catch(() => undefined);
      const e = toCassandraError(err, 'connect');
      if (!e.retriable || signal.aborted) throw e;
      const delay = backoffDelayMs(attempt, defaultBackoff);
      logger.warn({ err: e, attempt, delayMs: delay }, 'cassandra not reachable: retrying');
      await sleep(delay, undefined, { signal }).catch(() => undefined);
      if (signal.aborted) throw e;
    }
  }
}
