import type { CardAcquirer } from './card-acquirer.ts';
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

/** A use case's answer; afterCommit runs only once the transaction committed (metrics, logs). */
export interface UseCaseResult {
  status: number;
  body: unknown;
  afterCommit?: () => void;
}
