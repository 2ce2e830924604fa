import { z } from 'zod';
import { FakeCardAcquirer, type CardAcquirer } from './card-acquirer.ts';
import { FakeQrProvider } from './fake-qr-provider.ts';
import type { PaymentProvider } from './payment-provider.ts';

/**
 * Payment providers the edge can run. `fake` is the built-in fake card acquirer (approves every
 * card but EDGE_CARD_DECLINE_TOKENS) and fake QR provider: for tests and demos only. A real
 * provider adds its name here and its own settings, and paymentProvidersOf builds it.
 */
export const PAYMENT_PROVIDERS = ['fake'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

const ONLY_FAKE =
  'only `fake` exists (the built-in fake card acquirer and QR provider, which approve payments without ' +
  'a bank: for tests and demos only); no real provider is implemented';

/**
 * EDGE_PAYMENT_PROVIDER has no default on purpose: a store edge started without it refuses to
 * start, so production can never run the fakes because a variable was forgotten.
 */
export const paymentProviderSetting = z.enum(PAYMENT_PROVIDERS, {
  error: (issue) =>
    issue.input === undefined
      ? `required (no default): name the payment provider explicitly; ${ONLY_FAKE}`
      : `unknown payment provider ${JSON.stringify(issue.input)}: ${ONLY_FAKE}`,
});

export interface PaymentProviders {
  qr: PaymentProvider;
  card: CardAcquirer;
}

/** The providers the configured EDGE_PAYMENT_PROVIDER names. */
export function paymentProvidersOf(config: {
  EDGE_PAYMENT_PROVIDER: PaymentProviderName;
  EDGE_QR_CALLBACK_SECRET: string;
  EDGE_CARD_DECLINE_TOKENS: readonly string[];
}): PaymentProviders {
  switch (config.EDGE_PAYMENT_PROVIDER) {
    case 'fake':
      return {
        qr: new FakeQrProvider(config.EDGE_QR_CALLBACK_SECRET),
        card: new FakeCardAcquirer(config.EDGE_CARD_DECLINE_TOKENS),
      };
  }
}
