export { sinkMetrics, type SinkMetrics } from '@retail-stream/runtime';

export const SINK_NAME = 'clickhouse';
