import { dashboard, type Json } from './panel-kit.ts';

const R = '$__rate_interval';

/** The whole pipeline on one page: what flows in and out of each stage, how far behind, what fails. */
export function pipelineOverview(): Json {
  return dashboard({
    uid: 'retail-pipeline-overview',
    title: 'retail-stream / Pipeline overview',
    description:
      'Store outbox → relay → Kafka → ingest → KPI windows → sinks (Postgres, ClickHouse, Cassandra, national pharmacy). Alerts: deploy/observability/prometheus/rules.',
    variables: [],
    sections: [
      {
        panels: [
          {
            type: 'stat',
            title: 'Sales finalized /s',
            w: 4,
            h: 4,
            unit: 'ops',
            targets: [{ expr: `sum(rate(retail_pos_sales_finalized_total[5m]))` }],
          },
          {
            type: 'stat',
            title: 'Events reaching ingest /s',
            w: 4,
            h: 4,
            unit: 'ops',
            targets: [{ expr: `sum(rate(retail_ingest_records_total{outcome="forwarded"}[5m]))` }],
          },
          {
            type: 'stat',
            title: 'Consumer lag (records)',
            description: 'Sum over every consumer group (the in-process gauge, after each batch).',
            w: 4,
            h: 4,
            steps: [
              [1000, 'orange'],
              [100000, 'red'],
            ],
            targets: [{ expr: `sum(retail_consumer_lag_messages)` }],
          },
          {
            type: 'stat',
            title: 'Dead letters (30 min)',
            w: 4,
            h: 4,
            steps: [[1, 'red']],
            targets: [
              {
                expr:
                  `(sum(increase(retail_ingest_dead_letters_total[30m])) or vector(0)) ` +
                  `+ (sum(increase(retail_kpi_rejected_total[30m])) or vector(0)) ` +
                  `+ (sum(increase(retail_sink_dead_letters_total[30m])) or vector(0))`,
              },
            ],
          },
          {
            type: 'stat',
            title: 'Stores offline',
            description: 'Stores whose publishing relay reads OFFLINE (the outbox keeps their events).',
            w: 4,
            h: 4,
            steps: [[1, 'red']],
            targets: [
              {
                expr: `count((retail_relay_online == 0) and on (job, instance, store_id) (retail_relay_lease_held == 1)) or vector(0)`,
              },
            ],
          },
          {
            type: 'stat',
            title: 'Sequence gaps open',
            w: 4,
            h: 4,
            steps: [[1, 'orange']],
            targets: [{ expr: `sum(retail_ingest_sequence_gaps_open) or vector(0)` }],
          },
        ],
      },
      {
        row: 'Events in and out per stage',
        panels: [
          {
            title: 'Stores → HQ',
            description:
              'Sales finalized at the tills, outbox rows the relays published, events the HTTPS gateway accepted.',
            unit: 'ops',
            targets: [
              { expr: `sum(rate(retail_pos_sales_finalized_total[${R}]))`, legend: 'sales finalized' },
              { expr: `sum(rate(retail_relay_published_total[${R}]))`, legend: 'relay published' },
              {
                expr: `sum(rate(retail_gateway_events_total{result="accepted"}[${R}]))`,
                legend: 'gateway accepted',
              },
            ],
          },
          {
            title: 'Ingest outcomes',
            unit: 'ops',
            stack: true,
            targets: [
              { expr: `sum by (outcome) (rate(retail_ingest_records_total[${R}]))`, legend: '{{outcome}}' },
            ],
          },
          {
            title: 'Records consumed per group',
            unit: 'ops',
            targets: [
              { expr: `sum by (group) (rate(retail_consumer_messages_total[${R}]))`, legend: '{{group}}' },
            ],
          },
          {
            title: 'KPI windows: events applied, revisions published',
            unit: 'ops',
            targets: [
              { expr: `sum(rate(retail_kpi_events_total[${R}]))`, legend: 'events applied' },
              { expr: `sum by (scope) (rate(retail_kpi_updates_total[${R}]))`, legend: 'updates {{scope}}' },
              { expr: `sum(rate(retail_kpi_late_events_total[${R}]))`, legend: 'late' },
            ],
          },
          {
            title: 'Rows written per sink',
            unit: 'ops',
            targets: [
              { expr: `sum by (sink) (rate(retail_sink_rows_written_total[${R}]))`, legend: '{{sink}}' },
            ],
          },
          {
            title: 'National pharmacy documents by status',
            targets: [{ expr: `sum by (status) (retail_national_sync_documents)`, legend: '{{status}}' }],
          },
        ],
      },
      {
        row: 'Lag and latency',
        panels: [
          {
            title: 'Consumer lag per group',
            targets: [{ expr: `sum by (group) (retail_consumer_lag_messages)`, legend: '{{group}}' }],
          },
          {
            title: 'Store → HQ delay (oldest unpublished outbox row)',
            description: 'Per store, the age of the first row its publishing relay has not delivered yet.',
            unit: 's',
            targets: [
              {
                expr: `max by (store_id) (retail_outbox_oldest_unpublished_age_seconds and on (job, instance, store_id) (retail_relay_lease_held == 1))`,
                legend: '{{store_id}}',
              },
            ],
          },
          {
            title: 'KPI watermark lag',
            unit: 's',
            targets: [
              { expr: `max by (instance) (retail_kpi_watermark_lag_seconds)`, legend: '{{instance}}' },
            ],
          },
          {
            title: 'Batch duration p95 per group',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (group, le) (rate(retail_consumer_batch_duration_seconds_bucket[${R}])))`,
                legend: '{{group}}',
              },
            ],
          },
          {
            title: 'Relay publish p95 (batch → acknowledged)',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (le) (rate(retail_relay_publish_duration_seconds_bucket[${R}])))`,
                legend: 'relay',
              },
              {
                expr: `histogram_quantile(0.95, sum by (le) (rate(retail_gateway_request_duration_seconds_bucket[${R}])))`,
                legend: 'gateway request',
              },
            ],
          },
          {
            title: 'Sink write p95',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (sink, le) (rate(retail_sink_write_seconds_bucket[${R}])))`,
                legend: '{{sink}}',
              },
            ],
          },
        ],
      },
      {
        row: 'Errors',
        panels: [
          {
            title: 'Dead letters per service and code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (service, code) (rate(retail_ingest_dead_letters_total[${R}]))`,
                legend: '{{service}} {{code}}',
              },
              {
                expr: `sum by (service, code) (rate(retail_kpi_rejected_total[${R}]))`,
                legend: '{{service}} {{code}}',
              },
              {
                expr: `sum by (service, code) (rate(retail_sink_dead_letters_total[${R}]))`,
                legend: '{{service}} {{code}}',
              },
            ],
          },
          {
            title: 'Consumer retries per group and code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (group, code) (rate(retail_consumer_retries_total[${R}]))`,
                legend: '{{group}} {{code}}',
              },
            ],
          },
          {
            title: 'Sink write errors per code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (sink, code) (rate(retail_sink_write_errors_total[${R}]))`,
                legend: '{{sink}} {{code}}',
              },
            ],
          },
          {
            title: 'Relay publish errors per code',
            unit: 'ops',
            targets: [
              { expr: `sum by (code) (rate(retail_relay_publish_errors_total[${R}]))`, legend: '{{code}}' },
            ],
          },
          {
            title: 'Ingest: aborted transactions, unknown references',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (code) (rate(retail_ingest_transactions_aborted_total[${R}]))`,
                legend: 'aborted {{code}}',
              },
              {
                expr: `sum by (kind) (rate(retail_ingest_unknown_refs_total[${R}]))`,
                legend: 'unknown {{kind}}',
              },
            ],
          },
          {
            type: 'table',
            title: 'Alerts firing',
            description: 'From Prometheus (needs the rules of deploy/observability/prometheus/rules loaded).',
            targets: [{ expr: `ALERTS{alertstate="firing", alertname=~"Retail.*"}`, instant: true }],
          },
        ],
      },
    ],
  });
}
