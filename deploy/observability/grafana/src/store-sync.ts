import { dashboard, type Json } from './panel-kit.ts';

const R = '$__rate_interval';
const STORE = 'store_id=~"$store"';
/** Relay series of the instance publishing the store (standbys report nothing useful). */
const ACTIVE = 'and on (job, instance, store_id) (retail_relay_lease_held == 1)';

/** Per store: is its data reaching HQ (relay status, heartbeat, backlog, delay) and the national sync. */
export function storeSyncDashboard(): Json {
  const online = { '1': { text: 'ONLINE', color: 'green' }, '0': { text: 'OFFLINE', color: 'red' } };
  return dashboard({
    uid: 'retail-store-sync',
    title: 'retail-stream / Store sync',
    description:
      'One row of numbers per store: relay ONLINE/OFFLINE, heartbeat age, outbox backlog and delay, publish rate and errors; the national pharmacy sync below.',
    variables: [{ name: 'store', label: 'Store', query: 'label_values(retail_relay_lease_held, store_id)' }],
    sections: [
      {
        panels: [
          {
            type: 'table',
            title: 'Stores now',
            description:
              'Per store (publishing relay only): ONLINE (1) / OFFLINE (0), blocked by a bad row, heartbeat age, backlog rows, oldest unpublished age, last published store_seq.',
            w: 24,
            h: 9,
            columns: [
              'online',
              'blocked',
              'heartbeat age (s)',
              'backlog rows',
              'oldest unpublished (s)',
              'last store_seq',
            ],
            targets: [
              { expr: `max by (store_id) (retail_relay_online{${STORE}} ${ACTIVE})`, instant: true },
              { expr: `max by (store_id) (retail_relay_blocked{${STORE}} ${ACTIVE})`, instant: true },
              {
                expr: `max by (store_id) (time() - retail_relay_last_heartbeat_timestamp_seconds{${STORE}} ${ACTIVE})`,
                instant: true,
              },
              { expr: `max by (store_id) (retail_outbox_backlog_rows{${STORE}} ${ACTIVE})`, instant: true },
              {
                expr: `max by (store_id) (retail_outbox_oldest_unpublished_age_seconds{${STORE}} ${ACTIVE})`,
                instant: true,
              },
              {
                expr: `max by (store_id) (retail_relay_last_published_seq{${STORE}} ${ACTIVE})`,
                instant: true,
              },
            ],
          },
        ],
      },
      {
        row: 'Relay',
        panels: [
          {
            title: 'Relay status (1 ONLINE, 0 OFFLINE)',
            min: 0,
            mappings: online,
            targets: [
              { expr: `max by (store_id) (retail_relay_online{${STORE}} ${ACTIVE})`, legend: '{{store_id}}' },
            ],
          },
          {
            title: 'Last heartbeat (age)',
            description:
              'Seconds since the publishing relay last wrote relay_status (what the POS screen reads); RetailStoreHeartbeatStale fires above 5 min.',
            unit: 's',
            targets: [
              {
                expr: `max by (store_id) (time() - retail_relay_last_heartbeat_timestamp_seconds{${STORE}} ${ACTIVE})`,
                legend: '{{store_id}}',
              },
            ],
          },
          {
            title: 'Lease holders and blocked relays',
            targets: [
              { expr: `sum by (store_id) (retail_relay_lease_held{${STORE}})`, legend: 'lease {{store_id}}' },
              { expr: `max by (store_id) (retail_relay_blocked{${STORE}})`, legend: 'blocked {{store_id}}' },
            ],
          },
          {
            title: 'Outbox backlog (rows)',
            targets: [
              {
                expr: `max by (store_id) (retail_outbox_backlog_rows{${STORE}} ${ACTIVE})`,
                legend: '{{store_id}}',
              },
            ],
          },
          {
            title: 'Relay lag: oldest unpublished row',
            unit: 's',
            targets: [
              {
                expr: `max by (store_id) (retail_outbox_oldest_unpublished_age_seconds{${STORE}} ${ACTIVE})`,
                legend: '{{store_id}}',
              },
            ],
          },
          {
            title: 'Published per second',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (store_id) (rate(retail_relay_published_total{${STORE}}[${R}]))`,
                legend: '{{store_id}}',
              },
            ],
          },
          {
            title: 'Publish errors by code',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (store_id, code) (rate(retail_relay_publish_errors_total{${STORE}}[${R}]))`,
                legend: '{{store_id}} {{code}}',
              },
            ],
          },
          {
            title: 'Batch time per phase p95',
            unit: 's',
            targets: [
              {
                expr: `histogram_quantile(0.95, sum by (phase, le) (rate(retail_relay_batch_phase_seconds_bucket{${STORE}}[${R}])))`,
                legend: '{{phase}}',
              },
            ],
          },
          {
            title: 'Sales finalized per second',
            description:
              'Store edges in the multi-store host carry store_id; give standalone edges a store_id target label.',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (store_id) (rate(retail_pos_sales_finalized_total{${STORE}}[${R}]))`,
                legend: '{{store_id}}',
              },
            ],
          },
        ],
      },
      {
        row: 'National pharmacy sync (all stores)',
        panels: [
          {
            title: 'Documents by status and type',
            description:
              'The sync counts documents for all stores; `retail sync status --store S` splits them per store.',
            targets: [
              {
                expr: `sum by (status, type) (retail_national_sync_documents)`,
                legend: '{{status}} {{type}}',
              },
            ],
          },
          {
            title: 'Oldest pending document, overdue documents',
            unit: 's',
            targets: [
              { expr: `max(retail_national_sync_oldest_pending_seconds)`, legend: 'oldest pending (s)' },
              { expr: `max(retail_national_sync_overdue_documents)`, legend: 'overdue documents' },
            ],
          },
          {
            title: 'Calls to the national database by outcome',
            unit: 'ops',
            targets: [
              {
                expr: `sum by (outcome) (rate(retail_national_sync_request_seconds_count[${R}]))`,
                legend: '{{outcome}}',
              },
              {
                expr: `sum by (reason) (rate(retail_national_sync_token_refreshes_total[${R}]))`,
                legend: 'login {{reason}}',
              },
            ],
          },
        ],
      },
    ],
  });
}
