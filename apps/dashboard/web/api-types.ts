import type { PipelineStatus } from '../src/pipeline-status.ts';
import type { StoreBacklog as ServerStoreBacklog } from '../src/store-backlog.ts';
import type { components, paths } from './generated/reports-api.ts';

/**
 * Shapes the page reads, declared nowhere here: the reports API's come from types generated from
 * sinks/postgres/openapi.yaml (web/generated/reports-api.ts), the dashboard server's own /api
 * routes' from the server modules that build them (type-only imports: nothing of src/ is bundled).
 */

type Schemas = components['schemas'];

/** A page of a reports API list: `items` typed by the endpoint. */
export type Page<T> = Omit<Schemas['Page'], 'items'> & { items: T[] };
export type ApiErrorBody = Schemas['Error'];
export type StoreItem = Schemas['Store'];
export type StatusBody = Schemas['Status'];
export type KpiWindow = Schemas['KpiWindow'];
export type TopProduct = Schemas['TopProduct'];
/** GET /v1/reconciliation items: the last end-of-day reconciliation of a store. */
export type Reconciliation = Schemas['Reconciliation'];
/** GET /v1/national-sync items: the national pharmacy sync's state of a pharmacy store. */
export type NationalSyncStore = Schemas['NationalSyncStore'];
export type NationalSyncFailure = Schemas['NationalSyncFailure'];
/** The `window` parameter of GET /v1/kpis. */
export type WindowParam = NonNullable<NonNullable<paths['/v1/kpis']['get']['parameters']['query']>['window']>;

/** GET /api/pipeline. */
export type PipelineBody = PipelineStatus;
export type GroupLag = PipelineStatus['consumer_groups'][number];
/** GET /api/stores/backlog items. */
export type StoreBacklog = ServerStoreBacklog;
