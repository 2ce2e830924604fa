import { describe, expect, it } from 'vitest';
import { upstreamUrl } from './reports-proxy.ts';

describe('reports proxy paths', () => {
  const base = 'http://127.0.0.1:8090';

  it('maps /api/reports/<path>?q to <api>/v1/<path>?q', () => {
    expect(upstreamUrl(base, 'kpis', 'window=1m&store_id=s001')).toBe(
      'http://127.0.0.1:8090/v1/kpis?window=1m&store_id=s001',
    );
    expect(upstreamUrl(base, 'reports/top-products', '')).toBe(
      'http://127.0.0.1:8090/v1/reports/top-products',
    );
  });

  it('refuses anything that could leave /v1 (dots, empty segments, odd characters)', () => {
    for (const bad of [
      '',
      '..',
      '../metrics',
      'reports/../../x',
      'a//b',
      '/stores',
      'stores%2F..',
      'Stores',
    ]) {
      expect(upstreamUrl(base, bad, '')).toBeUndefined();
    }
  });
});
