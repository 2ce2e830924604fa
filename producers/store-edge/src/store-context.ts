import type { CardAcquirer } from './card-acquirer.ts';
import type { SqlWrite } from './db/sql-write.ts';
import type { TxRow } from './db/transaction-repo.ts';
import type { EventDraft } from './events.ts';
import type { PaymentProvider } from './payment-provider.ts';
import type { StoreProfile } from './store-profile.ts';

/** What use cases need from the running service; built once in store-edge.ts. */
export interface StoreServices {
  store: StoreProfile;
  stockPolicy: 'allow' | 'reject';
  customerHmacKey: string;
  qrExpirySeconds: number;
  qr: PaymentProvider;
  card: CardAcquirer;
}

/** Who is acting: the authenticated terminal (from its token, never from the body). */
export interface Actor {
  terminalId: string;
}

/** What commitWithEvents learnt while claiming the request's idempotency key. */
export interface Claim {
  /** The database transaction's now(): what now() and column defaults write in this transaction. */
  now: Date;
  /** The sale's row, locked by the claim statement (null: no such sale); undefined if not asked for. */
  locked: TxRow | null | undefined;
}

/**
 * A use case's answer, committed by commitWithEvents (db/outbox.ts) in the same transaction as
 * its `events` (outbox rows) and, if given, its last `writes` (run in that one final statement: the
 * body already describes the state after them). afterCommit runs only once the transaction
 * committed (metrics, logs).
 */
export interface UseCaseResult {
  status: number;
  body: unknown;
  events?: EventDraft[];
  writes?: SqlWrite[];
  afterCommit?: () => void;
}
