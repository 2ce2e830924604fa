import type { Logger } from '@retail-stream/runtime';
import type { AccountDirectory } from './accounts.ts';
import type { DocumentStore } from './document-store.ts';
import type { FaultPlan } from './fault-plan.ts';
import type { HeldResponses } from './held-responses.ts';
import type { MockMetrics } from './mock-metrics.ts';
import type { StatsRecorder } from './mock-stats.ts';
import type { TokenIssuer } from './tokens.ts';

/** What the routes share: the authority's state and the mock's instruments. */
export interface MockContext {
  accounts: AccountDirectory;
  drugs: ReadonlySet<string>;
  tokens: TokenIssuer;
  store: DocumentStore;
  faults: FaultPlan;
  stats: StatsRecorder;
  held: HeldResponses;
  metrics: MockMetrics;
  logger: Logger;
}
