import { describe, expect, it } from 'vitest';
import { decideSettle } from './payment-state.ts';

describe('payment settlement', () => {
  it('settles a pending payment either way', () => {
    expect(decideSettle('PENDING', 'CAPTURED')).toEqual({ kind: 'apply' });
    expect(decideSettle('PENDING', 'FAILED')).toEqual({ kind: 'apply' });
  });
  it('treats the same outcome again as a repeat (provider retries)', () => {
    expect(decideSettle('CAPTURED', 'CAPTURED')).toEqual({ kind: 'repeat' });
    expect(decideSettle('FAILED', 'FAILED')).toEqual({ kind: 'repeat' });
  });
  it('refuses to flip a settled payment', () => {
    expect(decideSettle('CAPTURED', 'FAILED')).toMatchObject({
      kind: 'refuse',
      code: 'PAYMENT_ALREADY_SETTLED',
    });
    expect(decideSettle('FAILED', 'CAPTURED')).toMatchObject({
      kind: 'refuse',
      code: 'PAYMENT_ALREADY_SETTLED',
    });
  });
});
