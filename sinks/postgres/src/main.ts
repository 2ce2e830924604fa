import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { runSink } from '@retail-stream/runtime/sink-kit';
import { sinkConfig } from './config.ts';
import { postgresSinkSpec, SINK_NAME } from './writer.ts';

/**
 * The Postgres HQ sink: `npm start -w @retail-stream/postgres-sink`. Consumes the enriched store
 * events and the KPI windows, writes each Kafka batch in one Postgres transaction (see README.md).
 */
const config = loadConfigOrExit(sinkConfig);
const rt = createServiceRuntime(SINK_NAME, config);
await runSink(rt, postgresSinkSpec(config), config.OPS_PORT);
