import { parseConfig, ConfigError } from '@retail-stream/runtime';
import { describe, expect, it } from 'vitest';
import { FakeCardAcquirer } from './card-acquirer.ts';
import { storeEdgeConfig } from './config.ts';
import { FakeQrProvider } from './fake-qr-provider.ts';
import { paymentProvidersOf } from './payment-provider-config.ts';

const env = {
  STORE_ID: 's1',
  PG_URL: 'postgres://x@localhost/db',
  EDGE_TERMINAL_TOKENS: `T1:${'a'.repeat(64)}`,
  EDGE_CUSTOMER_HMAC_KEY: 'k'.repeat(32),
  EDGE_QR_CALLBACK_SECRET: 'q'.repeat(16),
};

function problems(over: Record<string, string | undefined>): string[] {
  try {
    parseConfig(storeEdgeConfig, { ...env, ...over });
  } catch (err) {
    if (err instanceof ConfigError) return err.message.split('\n');
    throw err;
  }
  return [];
}

describe('EDGE_PAYMENT_PROVIDER', () => {
  it('is required: no setting (or an empty one) is a config error naming the variable', () => {
    for (const unset of [undefined, '']) {
      const found = problems({ EDGE_PAYMENT_PROVIDER: unset }).filter((p) =>
        p.includes('EDGE_PAYMENT_PROVIDER'),
      );
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/required \(no default\).*only `fake` exists.*tests and demos only/);
    }
  });

  it('refuses a provider that does not exist, explaining that only the fake exists', () => {
    const found = problems({ EDGE_PAYMENT_PROVIDER: 'vietqr' }).filter((p) =>
      p.includes('EDGE_PAYMENT_PROVIDER'),
    );
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/unknown payment provider "vietqr": only `fake` exists/);
  });

  it('`fake` runs the fake card acquirer and QR provider', async () => {
    const config = parseConfig(storeEdgeConfig, { ...env, EDGE_PAYMENT_PROVIDER: 'fake' });
    const providers = paymentProvidersOf(config);
    expect(providers.qr).toBeInstanceOf(FakeQrProvider);
    expect(providers.card).toBeInstanceOf(FakeCardAcquirer);
    const declined = await providers.card.authorizeAndCapture({
      payment_id: 'p1',
      amount_minor: 1n,
      currency: 'VND',
      card_token: 'tok_declined',
    });
    expect(declined).toEqual({ approved: false, reason: 'CARD_DECLINED' });
  });
});
