import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { childTraceparent, continueRecordTrace } from './record-trace.ts';
import { formatTraceparent, parseTraceparent } from './trace-context.ts';
import { registerTraceMetrics } from './trace-metrics.ts';
import { configureTracing, resetTracing } from './tracer.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const CHILD = (trace: string, flags: string) => new RegExp(`^00-${trace}-(?!${SPAN})[0-9a-f]{16}-${flags}$`);

afterEach(() => resetTracing());

async function invalidKafkaCount(reason: string): Promise<number> {
  const registry = new Registry();
  registerTraceMetrics(registry);
  const m = await registry.getSingleMetric('retail_trace_context_invalid_total')!.get();
  return m.values.find((v) => v.labels.source === 'kafka' && v.labels.reason === reason)?.value ?? 0;
}

describe('childTraceparent (per enriched record in ingest)', () => {
  it('continues a valid traceparent, string or header bytes, with a new span id and the sampled flag', () => {
    for (const flags of ['01', '00']) {
      const v = `00-${TRACE}-${SPAN}-${flags}`;
      expect(childTraceparent({ traceparent: v })).toMatch(CHILD(TRACE, flags));
      expect(childTraceparent({ traceparent: Buffer.from(v) })).toMatch(CHILD(TRACE, flags));
    }
    // Unknown flags are not propagated; a higher version is read as 00 and written as 00.
    expect(childTraceparent({ traceparent: `00-${TRACE}-${SPAN}-ff` })).toMatch(CHILD(TRACE, '01'));
    expect(childTraceparent({ traceparent: `cc-${TRACE}-${SPAN}-01-later` })).toMatch(CHILD(TRACE, '01'));
    const ids = new Set(
      Array.from({ length: 1000 }, () =>
        childTraceparent({ traceparent: Buffer.from(`00-${TRACE}-${SPAN}-01`) }),
      ),
    );
    expect(ids.size).toBe(1000);
  });

  it('answers as formatTraceparent(continueRecordTrace(headers)) would, for every kind of input', () => {
    const cases = [
      { traceparent: `00-${TRACE}-${SPAN}-01` },
      { traceparent: Buffer.from(`00-${TRACE}-${SPAN}-00`) },
      { traceparent: [Buffer.from(`00-${TRACE}-${SPAN}-01`)] },
      { trace_id: Buffer.from(TRACE) },
    ];
    for (const headers of cases) {
      const fast = parseTraceparent(childTraceparent(headers));
      const slow = parseTraceparent(formatTraceparent(continueRecordTrace(headers)));
      expect(typeof fast === 'object' && typeof slow === 'object').toBe(true);
      expect({ ...(fast as object), spanId: '' }).toEqual({ ...(slow as object), spanId: '' });
    }
  });

  it('starts a new trace for an invalid one and counts it by reason, never throws', async () => {
    const before = {
      malformed: await invalidKafkaCount('malformed'),
      zero_id: await invalidKafkaCount('zero_id'),
      version: await invalidKafkaCount('version'),
      too_long: await invalidKafkaCount('too_long'),
    };
    const fresh = /^00-(?!4bf92f35)[0-9a-f]{32}-[0-9a-f]{16}-01$/;
    expect(childTraceparent({ traceparent: `00-${TRACE.toUpperCase()}-${SPAN}-01` })).toMatch(fresh);
    expect(childTraceparent({ traceparent: [Buffer.from('a'), Buffer.from('b')] })).toMatch(fresh);
    expect(childTraceparent({ traceparent: `00-${'0'.repeat(32)}-${SPAN}-01` })).toMatch(fresh);
    expect(childTraceparent({ traceparent: `ff-${TRACE}-${SPAN}-01` })).toMatch(fresh);
    expect(childTraceparent({ traceparent: `cc-${TRACE}-${SPAN}-01-${'x'.repeat(300)}` })).toMatch(fresh);
    expect(await invalidKafkaCount('malformed')).toBe(before.malformed + 2);
    expect(await invalidKafkaCount('zero_id')).toBe(before.zero_id + 1);
    expect(await invalidKafkaCount('version')).toBe(before.version + 1);
    expect(await invalidKafkaCount('too_long')).toBe(before.too_long + 1);
  });

  it('without a traceparent: a root span in the trace_id header when it is a W3C id, else a new trace', () => {
    expect(childTraceparent({ trace_id: Buffer.from(TRACE) })).toMatch(CHILD(TRACE, '01'));
    expect(childTraceparent({ trace_id: Buffer.from('till-7-000123') })).toMatch(
      /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/,
    );
    expect(childTraceparent(undefined)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it('a sampler that is not parent-based decides again, as continueTrace does', () => {
    configureTracing({ OTEL_TRACES_SAMPLER: 'always_off' });
    expect(childTraceparent({ traceparent: `00-${TRACE}-${SPAN}-01` })).toMatch(CHILD(TRACE, '00'));
    configureTracing({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
    expect(childTraceparent({ traceparent: `00-${TRACE}-${SPAN}-01` })).toMatch(CHILD(TRACE, '01'));
    configureTracing({ OTEL_TRACES_SAMPLER: 'always_on' });
    expect(childTraceparent({ traceparent: `00-${TRACE}-${SPAN}-00` })).toMatch(CHILD(TRACE, '01'));
  });
});
