import { counter } from '@retail-stream/runtime';
import type { SinkSpec, SinkStore } from '@retail-stream/runtime/sink-kit';
import type { StoreEvent } from '@retail-stream/schemas';
import type { CassandraSinkConfig } from './config.ts';
import { connectWithRetry } from './connect-with-retry.ts';
import { sharedTransactionIds } from './cross-store-transactions.ts';
import { planWrites, transactionIdsOf } from './projection-plan.ts';
import { ProjectionStore } from './projection-store.ts';
import { storeEventOf } from './records.ts';
import { classifyCassandraWrite } from './write-failures.ts';

export const SINK_NAME = 'cassandra-sink';
/** Value of the shared sink metrics' `sink` label. */
export const SINK_LABEL = 'cassandra';

/**
 * The Cassandra projections sink for the kit: per Kafka batch, read the transaction state planning
 * needs, plan the rows (pure, projection-plan.ts) and write them. Every write carries its event's
 * timestamp, so writing a batch again, or half of it after the other half, changes nothing.
 */
export function cassandraSinkSpec(config: CassandraSinkConfig): SinkSpec<StoreEvent> {
  return {
    name: SINK_NAME,
    label: SINK_LABEL,
    topics: [config.SINK_EVENTS_TOPIC],
    config,
    async open({ logger, meter, registry, signal }): Promise<SinkStore<StoreEvent>> {
      const client = await connectWithRetry(config, SINK_NAME, logger, signal);
      const store = new ProjectionStore({
        client,
        keyspace: config.CASSANDRA_KEYSPACE,
        meter,
        maxBatchStatements: config.SINK_MAX_BATCH_STATEMENTS,
        concurrency: config.SINK_WRITE_CONCURRENCY,
      });
      const shared = counter(
        registry,
        'retail_sink_shared_transaction_ids_total',
        'Events naming a transaction id another store also used (each writes only its own store row)',
        ['sink'],
      );
      return {
        toItem: storeEventOf,
        async write(events) {
          const known = await store.readTransactions(transactionIdsOf(events));
          // Keyed by store, so nothing to refuse; an id two stores use is a store to look at.
          for (const s of sharedTransactionIds(events, known)) {
            shared.inc({ sink: SINK_LABEL });
            logger.warn(s, 'transaction id used by more than one store (each keeps its own row)');
          }
          await store.write(planWrites(events, known, config.STORE_DEFAULT_TIMEZONE));
        },
        classify: classifyCassandraWrite,
        close: () => client.shutdown(),
      };
    },
  };
}
