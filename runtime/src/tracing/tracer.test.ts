import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.ts';
import { baseServiceConfig } from '../service-config.ts';
import { otlpTracesUrl } from './otel-config.ts';
import { childOf, isSampled, newSpanId, newTraceId } from './trace-context.ts';
import {
  configureTracing,
  continueTrace,
  resetTracing,
  spanRecorded,
  startTrace,
  startTraceWithId,
  tracingExporting,
} from './tracer.ts';

afterEach(() => resetTracing());

describe('tracing configuration (OTEL_* variables, parsed with the service config)', () => {
  it('is off by default: no exporter, nothing recorded, traces sampled (parent-based always on)', () => {
    const c = parseConfig(baseServiceConfig, {});
    expect(otlpTracesUrl(c)).toBeUndefined();
    expect(configureTracing(c)).toBeUndefined();
    expect(tracingExporting()).toBe(false);
    const ctx = startTrace();
    expect(isSampled(ctx)).toBe(true);
    expect(spanRecorded(ctx)).toBe(false);
  });

  it('derives the traces URL as the spec says: the signal endpoint as is, else <base>/v1/traces', () => {
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      otlpTracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:9999/custom',
      }),
    ).toBe('http://other:9999/custom');
    expect(
      otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
  });

  it('parses headers and refuses protocols other than http/json', () => {
    const c = parseConfig(baseServiceConfig, {
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D%3D,x-tenant=shop',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(c.OTEL_EXPORTER_OTLP_HEADERS).toEqual({ 'api-key': 'abc==', 'x-tenant': 'shop' });
    expect(c.OTEL_TRACES_SAMPLER_ARG).toBe(0.25);
    expect(() => parseConfig(baseServiceConfig, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      /OTEL_EXPORTER_OTLP_PROTOCOL: only http\/json/,
    );
    expect(() => parseConfig(baseServiceConfig, { OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG/,
    );
  });
});

describe('sampling', () => {
  it('a ratio decides by the trace id (its low 56 bits), so every hop decides the same', () => {
    configureTracing({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: 0.25 });
    const id = (low: string) => `0af7651916cd43dd44${low}`;
    expect(isSampled(startTraceWithId(id('00000000000000')))).toBe(true);
    expect(isSampled(startTraceWithId(id('3ffffffffff000')))).toBe(true); // just below 0.25
    expect(isSampled(startTraceWithId(id('40000000000000')))).toBe(false); // 0.25 itself
    expect(isSampled(startTraceWithId(id('ffffffffffffff')))).toBe(false);
  });

  it('parent-based samplers keep the caller decision; the others decide again', () => {
    const parent = { traceId: newTraceId(), spanId: newSpanId(), flags: 1 };
    configureTracing({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
    expect(isSampled(startTrace())).toBe(false);
    expect(isSampled(continueTrace(parent))).toBe(true);
    expect(isSampled(continueTrace({ ...parent, flags: 0 }))).toBe(false);
    configureTracing({ OTEL_TRACES_SAMPLER: 'always_off' });
    expect(isSampled(continueTrace(parent))).toBe(false);
    expect(continueTrace(parent)).toMatchObject({ traceId: parent.traceId, parentSpanId: parent.spanId });
    expect(childOf(parent).traceId).toBe(parent.traceId);
  });
});
