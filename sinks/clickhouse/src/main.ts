import { createServiceRuntime, loadConfigOrExit } from '@retail-stream/runtime';
import { runSink } from '@retail-stream/runtime/sink-kit';
import { sinkConfig } from './config.ts';
import { clickhouseSinkSpec, SINK_NAME } from './writer.ts';

/** The ClickHouse analytics sink: retail.events.enriched + retail.kpi.windows → ClickHouse facts. */
const config = loadConfigOrExit(sinkConfig);
const rt = createServiceRuntime(SINK_NAME, config);
await runSink(rt, clickhouseSinkSpec(config), config.OPS_PORT);
