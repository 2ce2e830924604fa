import { cassandraSinkConfig, cassandraSinkSpec } from '@retail-stream/cassandra-sink';
import { sinkConfig as clickhouseSinkConfig, clickhouseSinkSpec } from '@retail-stream/clickhouse-sink';
import { sinkConfig as postgresSinkConfig, postgresSinkSpec } from '@retail-stream/postgres-sink';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  backoffDelayMs,
  defaultBackoff,
  DLQ_HEADERS,
  isRetriable,
  parseConfig,
  sinkMetrics,
  type ConsumedBatch,
  type Logger,
} from '@retail-stream/runtime';
import { createSinkHandler, WriteMeter, type SinkSpec } from '@retail-stream/runtime/sink-kit';
import type { Message } from 'kafkajs';
import { Registry } from 'prom-client';
import type { CliContext } from '../cli-kit/context.ts';

export const SINKS = ['postgres', 'clickhouse', 'cassandra'] as const;
export type SinkName = (typeof SINKS)[number];

export function isSinkName(s: string): s is SinkName {
  return (SINKS as readonly string[]).includes(s);
}

/**
 * The sink's own spec (sinks/<name>/src/writer.ts) with its own config, parsed from the same
 * environment the service reads plus `overrides` (a shadow's schema/database/keyspace). Nothing
 * connects yet: the spec says which topics the sink consumes.
 */
export function sinkSpecFor(sink: SinkName, env: Record<string, string | undefined>): SinkSpec<unknown> {
  switch (sink) {
    case 'postgres':
      return postgresSinkSpec(parseConfig(postgresSinkConfig, env)) as SinkSpec<unknown>;
    case 'clickhouse':
      return clickhouseSinkSpec(parseConfig(clickhouseSinkConfig, env)) as SinkSpec<unknown>;
    case 'cassandra':
      return cassandraSinkSpec(parseConfig(cassandraSinkConfig, env)) as SinkSpec<unknown>;
  }
}

/** An opened sink: apply one partition's records through the sink's own handler. */
export interface OpenSink {
  /** Decodes, maps and writes the records as the live sink does; resolves once durable. */
  apply(topic: string, partition: number, messages: ConsumedBatch['messages']): Promise<ApplyResult>;
  /** Rows written per table so far (the sink's WriteMeter counts). */
  rowsByTable(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface ApplyResult {
  /** Records the sink refused (decoding, mapping or the store), by code; they are not sent anywhere. */
  rejected: Record<string, number>;
}

/** How long one batch is retried while the store is away before the replay gives up (exit 69). */
const RETRY_FOR_MS = 60_000;

/** How long opening a store may retry an unreachable service before the CLI gives up (exit 69). */
const OPEN_TIMEOUT_MS = 30_000;

/**
 * Opens the sink's store (its own connect and migrate) and wraps the kit's handler, the one the
 * live sink runs, so decoding, mapping, idempotent writing and isolation of refused records are
 * exactly the live sink's. Refused records are only counted: the live sink already dead-lettered
 * them when it met them, and a replay must not put a second copy on the DLQ.
 */
export async function openSink(ctx: CliContext, spec: SinkSpec<unknown>, logger: Logger): Promise<OpenSink> {
  const registry = new Registry();
  const metrics = sinkMetrics(registry);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(OPEN_TIMEOUT_MS)]);
  const store = await spec.open({
    logger,
    registry,
    metrics,
    meter: new WriteMeter(metrics, spec.label),
    signal,
  });
  let pending: Record<string, number> = {};
  const handle = createSinkHandler({
    name: spec.name,
    label: spec.label,
    store,
    serde: ctx.serde(),
    deadLetters: {
      send: async (messages: Message[]) => {
        for (const m of messages) {
          const code = String(m.headers?.[DLQ_HEADERS.errorCode] ?? 'UNKNOWN');
          pending[code] = (pending[code] ?? 0) + 1;
        }
      },
    },
    metrics,
    logger,
  });
  return {
    async apply(topic, partition, messages) {
      const batch = {
        topic,
        partition,
        messages,
        highWatermark: '-1',
        heartbeat: async () => undefined,
        isStale: () => false,
      };
      // The store away for a moment (a retriable failure): the same batch again with backoff, as
      // the live sink's runner does, for up to RETRY_FOR_MS; then the replay stops (resumable).
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        pending = {};
        try {
          await handle(batch);
          return { rejected: pending };
        } catch (err) {
          if (!isRetriable(err) || ctx.signal.aborted || Date.now() - started > RETRY_FOR_MS) throw err;
          logger.warn({ err, topic, partition, attempt }, 'replay batch failed: retrying');
          await sleep(backoffDelayMs(attempt, defaultBackoff), undefined, { signal: ctx.signal }).catch(
            () => undefined,
          );
          if (ctx.signal.aborted) throw err;
        }
      }
    },
    async rowsByTable() {
      const metric = await metrics.rowsWritten.get();
      return Object.fromEntries(metric.values.map((v) => [String(v.labels.table), v.value]));
    },
    close: () => store.close(),
  };
}
