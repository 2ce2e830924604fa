import type { CardAcquirer } from './card-acquirer.ts';
import type { TxRow } from './db/transaction-repo.ts';
import type { FinalWrite } from './outbox-writer.ts';
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

/** What the idempotent route learnt while claiming the request's key. */
export interface Claim {
  /** The database transaction's now(): what now() and column defaults write in this transaction. */
  now: Date;
  /** The sale's row, locked by the claim statement (null: no such sale); undefined if not asked for. */
  locked: TxRow | null | undefined;
}

/**
 * A use case's answer; afterCommit runs only once the transaction committed (metrics, logs).
 * finalWrite, if given, is the use case's last write, not yet run: the route runs it in one
 * statement with storing the response (the body already describes the state after it).
 */
export interface UseCaseResult {
  status: number;
  body: unknown;
  afterCommit?: () => void;
  finalWrite?: FinalWrite;
}
