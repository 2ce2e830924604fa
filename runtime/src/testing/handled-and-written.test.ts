import { describe, expect, it } from 'vitest';
import { handledAndWritten } from './handled-and-written.ts';

const scrape = (handled: number, pending?: number) =>
  [
    '# TYPE retail_consumer_messages_total counter',
    `retail_consumer_messages_total{group="g",topic="t-kpi"} 99`,
    `retail_consumer_messages_total{group="g",topic="t"} ${handled}`,
    ...(pending === undefined ? [] : [`retail_sink_pending_bytes{group="g"} ${pending}`]),
  ].join('\n');

describe('handledAndWritten', () => {
  it('needs the topic counter at the total (its own topic only, not another one with the same prefix)', () => {
    expect(handledAndWritten(scrape(10), 't', 10)).toBe(true);
    expect(handledAndWritten(scrape(9), 't', 10)).toBe(false);
    expect(handledAndWritten(scrape(0), 'other', 1)).toBe(false);
  });

  it('a pipelined sink with bytes still pending has not written them, whatever it handled', () => {
    expect(handledAndWritten(scrape(10, 2_048), 't', 10)).toBe(false);
    expect(handledAndWritten(scrape(10, 0), 't', 10)).toBe(true);
  });
});
