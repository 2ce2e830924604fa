import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics.ts';
import { freePort } from '../testing/free-port.ts';
import { metricValue } from '../testing/metric-value.ts';
import { OtlpReceiver } from '../testing/otlp-receiver.ts';
import { waitFor } from '../testing/wait-for.ts';
import { OtlpExporter } from './otlp-exporter.ts';
import { nowNs, SpanKind, type FinishedSpan } from './span.ts';
import { newSpanId, newTraceId } from './trace-context.ts';

const metrics = createMetricsRegistry('otlp-test', { defaultMetrics: false });
const counter = async (name: string, match = '') => metricValue(await metrics.metrics(), name, match) ?? 0;

function spans(n: number, service = 'svc'): FinishedSpan[] {
  const traceId = newTraceId();
  const start = nowNs();
  return Array.from({ length: n }, (_, i) => ({
    service,
    name: `op ${i}`,
    kind: SpanKind.internal,
    traceId,
    spanId: newSpanId(),
    startNs: start,
    endNs: start + 1000n,
    attributes: { i, ok: true, ratio: 0.5, label: 'x' },
  }));
}

const base = { maxQueueSize: 1000, maxBatchSize: 100, scheduleDelayMs: 20, timeoutMs: 2_000, backoffMs: 20 };

describe('OtlpExporter against an OTLP/HTTP JSON receiver (real HTTP)', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(() => receiver.close());
  const url = () => `${receiver.endpoint}/v1/traces`;

  it('sends valid OTLP JSON in batches, one resource per service', async () => {
    const e = new OtlpExporter({ ...base, url: url() });
    const sent = [...spans(150, 'svc-a'), ...spans(3, 'svc-b')];
    for (const s of sent) e.enqueue(s);
    await waitFor(() => sent.every((s) => receiver.spans.some((r) => r.spanId === s.spanId)), {
      what: 'all spans',
    });
    expect(receiver.refusals).toEqual([]);
    const b = receiver.spans.find((r) => r.spanId === sent[151]!.spanId)!;
    expect(b).toMatchObject({
      service: 'svc-b',
      name: 'op 1',
      attributes: { i: 1, ok: true, ratio: 0.5, label: 'x' },
    });
    await e.shutdown();
  });

  it('retries 503 and 429 with Retry-After, then delivers', async () => {
    const e = new OtlpExporter({ ...base, url: url() });
    const answersBefore = receiver.answers.length;
    receiver.answerNext({ status: 503, retryAfterS: 0 }, { status: 429, retryAfterS: 1 });
    const failuresBefore = await counter('retail_otlp_export_failures_total', 'kind="429"');
    const sent = spans(5);
    const started = Date.now();
    for (const s of sent) e.enqueue(s);
    await waitFor(() => sent.every((s) => receiver.spans.some((r) => r.spanId === s.spanId)), {
      what: 'delivered after retries',
    });
    expect(receiver.answers.slice(answersBefore)).toEqual([503, 429, 200]);
    // Retry-After: 1 was honoured (the exporter's own backoff here is 20-40 ms).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(await counter('retail_otlp_export_failures_total', 'kind="429"')).toBe(failuresBefore + 1);
    await e.shutdown();
  });

  it('counts spans the collector rejects in a partial success', async () => {
    const e = new OtlpExporter({ ...base, url: url() });
    const before = await counter('retail_otlp_spans_dropped_total', 'reason="rejected"');
    receiver.answerNext({ status: 200, rejectedSpans: 2, errorMessage: 'too old' });
    for (const s of spans(4)) e.enqueue(s);
    await e.shutdown();
    expect(await counter('retail_otlp_spans_dropped_total', 'reason="rejected"')).toBe(before + 2);
  });

  it('a down collector: enqueue never waits, overflow is dropped and counted, failed batches too', async () => {
    const down = `http://127.0.0.1:${await freePort()}/v1/traces`;
    const e = new OtlpExporter({ ...base, url: down, maxQueueSize: 200, maxAttempts: 2 });
    const full = await counter('retail_otlp_spans_dropped_total', 'reason="queue_full"');
    const failed = await counter('retail_otlp_spans_dropped_total', 'reason="export_failed"');
    const many = spans(1000);
    for (const s of many) e.enqueue(s); // synchronous: nothing here waits for the network
    // The first full batch left the queue for its first attempt; everything past the bound was refused.
    expect(await counter('retail_otlp_spans_dropped_total', 'reason="queue_full"')).toBeGreaterThanOrEqual(
      full + 700,
    );
    await waitFor(
      async () =>
        (await counter('retail_otlp_spans_dropped_total', 'reason="export_failed"')) >= failed + 100,
      {
        what: 'the first batch dropped after its attempts',
      },
    );
    expect(await counter('retail_otlp_export_failures_total', 'kind="network"')).toBeGreaterThan(0);
    await e.shutdown();
  });

  it('shutdown flushes what is queued', async () => {
    const e = new OtlpExporter({ ...base, url: url(), scheduleDelayMs: 60_000 });
    const sent = spans(7);
    for (const s of sent) e.enqueue(s);
    expect(e.queued).toBe(7);
    await e.shutdown();
    expect(sent.every((s) => receiver.spans.some((r) => r.spanId === s.spanId))).toBe(true);
  });

  it('the receiver refuses what is not OTLP JSON (400, 415)', async () => {
    const bad = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ spans: [{ traceId: 'AB' }] }] }],
      }),
    });
    expect(bad.status).toBe(400);
    const proto = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: '',
    });
    expect(proto.status).toBe(415);
  });
});
