import type { Json } from './panel-kit.ts';
import { pipelineOverview } from './pipeline-overview.ts';
import { serviceDashboard } from './service.ts';
import { storeSyncDashboard } from './store-sync.ts';

/** File name (in grafana/dashboards/) → dashboard model. */
export function dashboards(): Record<string, Json> {
  return {
    'retail-pipeline-overview.json': pipelineOverview(),
    'retail-service.json': serviceDashboard(),
    'retail-store-sync.json': storeSyncDashboard(),
  };
}
