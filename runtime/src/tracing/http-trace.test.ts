import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listen, closeServer } from '../http-server.ts';
import { createMetricsRegistry } from '../metrics.ts';
import { captureLogger } from '../testing/log-capture.ts';
import { metricValue } from '../testing/metric-value.ts';
import { OtlpReceiver } from '../testing/otlp-receiver.ts';
import { waitFor } from '../testing/wait-for.ts';
import { currentTraceContext } from '../trace.ts';
import { traceHeaders, traceRequests } from './http-trace.ts';
import { SpanKind } from './span.ts';
import { configureTracing, resetTracing } from './tracer.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

/** An app as the service runtime builds it: traceRequests first, a handler that logs and calls out. */
async function app(service: string, level = 'info') {
  const { logger, lines } = captureLogger(service, level);
  const a = express();
  a.use(traceRequests(service));
  a.get('/v1/things/:id', (_req, res) => {
    logger.info('handling a thing');
    res.json({ outgoing: traceHeaders(), ctx: currentTraceContext() });
  });
  const { server, port } = await listen(a, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, lines, close: () => closeServer(server) };
}

describe('HTTP trace context (real HTTP)', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(() => receiver.close());
  afterEach(() => resetTracing());

  it('continues an incoming traceparent: handler logs, outgoing calls and the response carry it', async () => {
    const s = await app('svc-http');
    try {
      const res = await fetch(`${s.url}/v1/things/7`, {
        headers: { traceparent: `00-${TRACE}-${CALLER_SPAN}-01`, tracestate: 'congo=t61rcWkgMzE' },
      });
      const body = (await res.json()) as { outgoing: Record<string, string> };
      const m = TRACEPARENT.exec(res.headers.get('traceparent') ?? '');
      expect(m).not.toBeNull();
      const [, traceId, spanId, flags] = m!;
      expect(traceId).toBe(TRACE);
      expect(spanId).not.toBe(CALLER_SPAN);
      expect(flags).toBe('01');
      expect(res.headers.get('tracestate')).toBe('congo=t61rcWkgMzE');
      // A call made while handling names the server span as its parent.
      expect(body.outgoing).toEqual({
        traceparent: `00-${TRACE}-${spanId}-01`,
        tracestate: 'congo=t61rcWkgMzE',
      });
      expect(s.lines.find((l) => l.msg === 'handling a thing')).toMatchObject({
        trace_id: TRACE,
        span_id: spanId,
      });
    } finally {
      await s.close();
    }
  });

  it('starts a new trace for a malformed or oversized traceparent and counts it', async () => {
    const s = await app('svc-http-bad');
    const metrics = createMetricsRegistry('svc-http-bad', { defaultMetrics: false });
    const count = async (reason: string) =>
      metricValue(await metrics.metrics(), 'retail_trace_context_invalid_total', `reason="${reason}"`) ?? 0;
    try {
      const before = { malformed: await count('malformed'), too_long: await count('too_long') };
      for (const bad of [
        `00-${TRACE.toUpperCase()}-${CALLER_SPAN}-01`,
        `cc-${TRACE}-${CALLER_SPAN}-01-${'x'.repeat(400)}`,
      ]) {
        const res = await fetch(`${s.url}/v1/things/1`, { headers: { traceparent: bad } });
        const [, traceId] = TRACEPARENT.exec(res.headers.get('traceparent') ?? '')!;
        expect(traceId).not.toBe(TRACE);
        expect(s.lines.at(-1)).toMatchObject({ msg: 'handling a thing', trace_id: traceId });
      }
      expect(await count('malformed')).toBe(before.malformed + 1);
      expect(await count('too_long')).toBe(before.too_long + 1);
      expect(
        await metricValue(await metrics.metrics(), 'retail_trace_context_invalid_total', 'source="http"'),
      ).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });

  it('exports the request as a SERVER span, child of the caller, with service.name (OTLP/HTTP JSON)', async () => {
    configureTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: 20 });
    const s = await app('svc-export');
    try {
      const res = await fetch(`${s.url}/v1/things/9`, {
        headers: { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
      });
      const [, , spanId] = TRACEPARENT.exec(res.headers.get('traceparent') ?? '')!;
      await waitFor(() => receiver.spans.some((x) => x.spanId === spanId), {
        what: 'the server span exported',
      });
      expect(receiver.spans.find((x) => x.spanId === spanId)).toMatchObject({
        service: 'svc-export',
        traceId: TRACE,
        parentSpanId: CALLER_SPAN,
        name: 'GET /v1/things/:id',
        kind: SpanKind.server,
        attributes: { 'http.request.method': 'GET', 'http.response.status_code': 200 },
      });
      expect(receiver.refusals).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('respects an unsampled caller: nothing exported, the flag passed on', async () => {
    configureTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: 20 });
    const s = await app('svc-unsampled');
    try {
      const res = await fetch(`${s.url}/v1/things/3`, {
        headers: { traceparent: `00-${TRACE}-${CALLER_SPAN}-00` },
      });
      const [, , spanId, flags] = TRACEPARENT.exec(res.headers.get('traceparent') ?? '')!;
      expect(flags).toBe('00');
      // Proving absence: a sampled request sent after it is exported, the unsampled one is not.
      const sampled = await fetch(`${s.url}/v1/things/4`, {
        headers: { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
      });
      const [, , sampledSpan] = TRACEPARENT.exec(sampled.headers.get('traceparent') ?? '')!;
      await waitFor(() => receiver.spans.some((x) => x.spanId === sampledSpan), { what: 'the sampled span' });
      expect(receiver.spans.some((x) => x.spanId === spanId)).toBe(false);
    } finally {
      await s.close();
    }
  });
});
