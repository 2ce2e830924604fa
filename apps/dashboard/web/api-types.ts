/** Shapes of the reports API (sinks/postgres/openapi.yaml) and of the dashboard server's own /api routes. */

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

export interface StoreItem {
  store_id: string;
  name: string | null;
  region: string | null;
  timezone: string | null;
  currency: string | null;
  last_event_at: string | null;
  last_store_seq: number | null;
  events_total: number;
}

export interface StatusBody {
  as_of: string;
  last_event_received_at: string | null;
  last_kpi_updated_at: string | null;
  stores_total: number;
  events_total: number;
}

export type WindowParam = '1m' | '15m' | '1h' | '1d';

export interface KpiWindow {
  scope: string;
  store_id: string | null;
  window_size: string;
  window_start: string;
  window_end: string;
  timezone: string | null;
  revision: number;
  is_final: boolean;
  gmv_minor: number;
  currency: string;
  orders: number;
  items: number;
  avg_basket_minor: number | null;
  order_rate_per_min: number;
  payment_success_rate: number | null;
  refunds_minor: number;
  voids_minor: number;
  refund_count: number;
  void_count: number;
  payments_attempted: number;
  payments_captured: number;
  payments_by_method: unknown;
  updated_at: string;
}

export interface TopProduct {
  sku: string;
  product_name: string | null;
  category: string | null;
  quantity: number;
  net_minor: number;
  currency: string;
}

export interface GroupLag {
  groupId: string;
  lag: number;
  state: string;
  topics: { topic: string; lag: number; uncommittedPartitions: number }[];
}

export interface PipelineBody {
  as_of: string;
  consumer_groups: GroupLag[];
  dlq: { topic: string; records: number | null };
  late_events: { topic: string; records: number | null };
}

export interface StoreBacklog {
  store_id: string;
  status: 'ONLINE' | 'OFFLINE' | 'UNKNOWN' | 'UNREACHABLE';
  backlog: number | null;
  oldest_unpublished_age_seconds: number | null;
  last_store_seq: number | null;
  error: string | null;
}
