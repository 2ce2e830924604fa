import { metricValue } from './metric-value.ts';

/**
 * From one scrape of a service's /metrics: it handled at least `total` records of `topic`
 * (retail_consumer_messages_total) and holds none of them unwritten. The second half matters for
 * a pipelined sink (ClickHouse): its consumer counts a batch once it is handed to the store, before
 * the insert lands; retail_sink_pending_bytes is 0 only when every handed batch is durable (other
 * services have no such gauge). Both topics of the pipeline are transactional, so a group's
 * committed offset stops below the end markers and cannot say "done" instead.
 */
export function handledAndWritten(metrics: string, topic: string, total: number): boolean {
  const handled = metricValue(metrics, 'retail_consumer_messages_total', `topic="${topic}"`) ?? 0;
  return handled >= total && (metricValue(metrics, 'retail_sink_pending_bytes') ?? 0) === 0;
}
