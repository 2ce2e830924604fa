import { dashboard, type Json } from './panel-kit.ts';

const R = '$__rate_interval';
/** The selected scrape targets; every retail_ series carries job and instance from the scrape. */
const SEL = 'job=~"$job", instance=~"$instance"';

/** One service (or several): process health from prom-client's defaults, then its own stage. */
export function serviceDashboard(): Json {
  return dashboard({
    uid: 'retail-service',
    title: 'retail-stream / Service',
    description:
      'Per process: memory, CPU, event loop, GC (prom-client defaults, retail_ prefix), its Kafka consumers, HTTP API and sink writes. Rows without data do not apply to the chosen job.',
    variables: [
      { name: 'job', label: 'Job', query: 'label_values(retail_process_start_time_seconds, job)' },
      {
        name: 'instance',
        label: 'Instance',
        query: 'label_values(retail_process_start_time_seconds{job=~"$job"}, instance)',
      },
    ],
    sections: [
      {
        panels: [
          {
            type: 'stat',
            title: 'Targets up',
            w: 6,
            h: 4,
            targets: [{ expr: `sum(up{${SEL}})` }],
          },
          {
            type: 'stat',
            title: 'Targets down',
            w: 6,
            h: 4,
            steps: [[1, 'red']],
            targets: [{ expr: `count(up{${SEL}} == 0) or vector(0)` }],
          },
          {
            type: 'stat',
            title: 'Uptime (youngest)',
            w: 6,
            h: 4,
            unit: 's',
            targets: [{ expr: `min(time() - retail_process_start_time_seconds{${SEL}})` }],
          },
          {
            type: 'stat',
            title: 'Restarts (1 h)',
            w: 6,
            h: 4,
            steps: [[3, 'orange']],
            targets: [{ expr: `sum(changes(retail_process_start_time_seconds{${SEL}}[1h]))` }],
          },
        ],
      },
      {
        row: 'Process',
        panels: [
          {
            title: 'Resident memory (RSS)',
            unit: 'bytes',
            targets: [
              { expr: `retail_process_resident_memory_bytes{${SEL}}`, legend: '{{job}} {{instance}}' },
            ],
          },
          {
            title: 'V8 heap used / total',
            unit: 'bytes',
            targets: [
              { expr: `retail_nodejs_heap_size_used_bytes{${SEL}}`, legend: 'used {{instance}}' },
              { expr: `retail_nodejs_heap_size_total_bytes{${SEL}}`, legend: 'total {{instance}}' },
              { expr: `retail_nodejs_external_memory_bytes{${SEL}}`, legend: 'external {{instance}}' },
            ],
          },
          {
            title: 'CPU (cores)',
            unit: 'short',
            targets: [
              {
                expr: `rate(retail_process_cpu_seconds_total{${SEL}}[${R}])`,
                legend: '{{job}} {{instance}}',
              },
            ],
          },
          {
            title: 'Event loop lag',
            description:
              'p50 and p99 over the sampling interval of prom-client (RetailEventLoopBlocked fires on p99 > 0.5 s).',
            unit: 's',
            targets: [
              { expr: `retail_nodejs_eventloop_lag_p50_seconds{${SEL}}`, legend: 'p50 {{instance}}' },
              { expr: `retail_nodejs_eventloop_lag_p99_seconds{${SEL}}`, legend: 'p99 {{instance}}' },
              { expr: `retail_nodejs_eventloop_lag_max_seconds{${SEL}}`, legend: 'max {{instance}}' },
            ],
          },
          {
            title: 'GC time per second, by kind',
            unit: 's',
            targets: [
              {
                expr: `sum by (instance, kind) (rate(retail_nodejs_gc_duration_seconds_sum{${SEL}}[${R}]))`,
                legend: '{{kind}} {{instance}}',
              },
            ],
          },
          {
            title: 'Open file descriptors, active handles',
            targets: [
              { expr: `retail_process_open_fds{${SEL}}`, legend: 'fds {{instance}}' },
              { expr: `retail_nodejs_active_handles_total{${SEL}}`, legend: 'handles {{instance}}' },
            ],
          },
        ],
      },
      {
        row: 'Kafka consumers',
        panels: [
          {
            title: 'Records handled per topic',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (group, topic) (rate(retail_consumer_messages_total{${SEL}}[${R}]))`,
                legend: '{{group}} ← {{topic}}',
              },
            ],
          },
          {
            title: 'Lag per partition',
            targets: [
              {
                expr: `retail_consumer_lag_messages{${SEL}}`,
                legend: '{{topic}}[{{partition}}] {{instance}}',
              },
            ],
          },
          {
            title: 'Batch duration p50 / p95',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.5, sum by (group, le) (rate(retail_consumer_batch_duration_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'p50 {{group}}',
              },
              {
                expr: `histogram_quantile(0.95, sum by (group, le) (rate(retail_consumer_batch_duration_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'p95 {{group}}',
              },
            ],
          },
          {
            title: 'Retries by code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (group, code) (rate(retail_consumer_retries_total{${SEL}}[${R}]))`,
                legend: '{{group}} {{code}}',
              },
            ],
          },
          {
            title: 'Paused partitions (backpressure)',
            targets: [
              { expr: `sum by (group) (retail_consumer_paused_partitions{${SEL}})`, legend: '{{group}}' },
            ],
          },
          {
            title: 'Dead letters by code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (code) (rate(retail_ingest_dead_letters_total{${SEL}}[${R}]))`,
                legend: '{{code}}',
              },
              { expr: `sum by (code) (rate(retail_kpi_rejected_total{${SEL}}[${R}]))`, legend: '{{code}}' },
              {
                expr: `sum by (code) (rate(retail_sink_dead_letters_total{${SEL}}[${R}]))`,
                legend: '{{code}}',
              },
            ],
          },
        ],
      },
      {
        row: 'HTTP API',
        panels: [
          {
            title: 'Requests by status',
            unit: 'reqps',
            stack: true,
            targets: [
              {
                expr: `sum by (status) (rate(retail_pos_requests_total{${SEL}}[${R}]))`,
                legend: 'pos {{status}}',
              },
              {
                expr: `sum by (status) (rate(retail_gateway_requests_total{${SEL}}[${R}]))`,
                legend: 'gateway {{status}}',
              },
              {
                expr: `sum by (status) (rate(retail_reports_requests_total{${SEL}}[${R}]))`,
                legend: 'reports {{status}}',
              },
              {
                expr: `sum by (status) (rate(retail_dashboard_proxy_requests_total{${SEL}}[${R}]))`,
                legend: 'dashboard proxy {{status}}',
              },
            ],
          },
          {
            title: 'Request duration p95',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (route, le) (rate(retail_pos_request_duration_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'pos {{route}}',
              },
              {
                expr: `histogram_quantile(0.95, sum by (le) (rate(retail_gateway_request_duration_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'gateway',
              },
              {
                expr: `histogram_quantile(0.95, sum by (le) (rate(retail_dashboard_proxy_duration_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'dashboard proxy',
              },
            ],
          },
          {
            title: 'Gateway: refused API keys, events by result',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (reason) (rate(retail_gateway_auth_failures_total{${SEL}}[${R}]))`,
                legend: 'auth {{reason}}',
              },
              {
                expr: `sum by (result) (rate(retail_gateway_events_total{${SEL}}[${R}]))`,
                legend: 'events {{result}}',
              },
            ],
          },
        ],
      },
      {
        row: 'Sink writes',
        panels: [
          {
            title: 'Rows written per table',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (sink, table) (rate(retail_sink_rows_written_total{${SEL}}[${R}]))`,
                legend: '{{table}}',
              },
            ],
          },
          {
            title: 'Write duration p50 / p95, batch size p95',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.5, sum by (sink, le) (rate(retail_sink_write_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'p50 {{sink}}',
              },
              {
                expr: `histogram_quantile(0.95, sum by (sink, le) (rate(retail_sink_write_seconds_bucket{${SEL}}[${R}])))`,
                legend: 'p95 {{sink}}',
              },
            ],
          },
          {
            title: 'Batch size p95 (rows)',
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (sink, le) (rate(retail_sink_batch_size_bucket{${SEL}}[${R}])))`,
                legend: '{{sink}}',
              },
            ],
          },
          {
            title: 'Write errors by code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (sink, code) (rate(retail_sink_write_errors_total{${SEL}}[${R}]))`,
                legend: '{{code}}',
              },
            ],
          },
          {
            title: 'Applied vs duplicate (inbox sinks)',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (topic) (rate(retail_sink_events_applied_total{${SEL}}[${R}]))`,
                legend: 'applied {{topic}}',
              },
              {
                expr: `sum by (topic) (rate(retail_sink_events_duplicate_total{${SEL}}[${R}]))`,
                legend: 'duplicate {{topic}}',
              },
            ],
          },
        ],
      },
    ],
  });
}
