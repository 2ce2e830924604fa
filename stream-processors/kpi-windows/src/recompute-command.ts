import {
  readTopicRange,
  ValidationError,
  type AvroSerde,
  type Logger,
  javaCompatiblePartitioner,
} from '@retail-stream/runtime';
import type { KpiWindowUpdated, StoreEvent } from '@retail-stream/schemas';
import { type Kafka, type Message } from 'kafkajs';
import type avro from 'avsc';
import type { KpiConfig } from './config.ts';
import { kpiKey, kpiRecord } from './kpi-record.ts';
import type { RecomputeArgs } from './recompute-args.ts';
import { recomputeExact } from './recompute-exact.ts';
import { ensureKpiTopics } from './setup.ts';
import { fixedWindow, localDayWindow } from './window-assignment.ts';

export interface RecomputeSummary {
  eventsRead: number;
  storeWindows: number;
  chainWindows: number;
  /** False for a dry run: the windows were computed and counted, not published. */
  published: boolean;
}

/**
 * Republishes the exact values of windows starting in [from, to): reads the enriched topic from
 * `from - margin` (by record timestamp) to its end, recomputes from the raw events, reads the
 * current highest revision of each window from the output topic and publishes revision + 1
 * (is_final=true). Store windows also go to the store-windows topic, so the chain stage takes them.
 * Chain windows are republished too when no --store filter is given; their revision is the current
 * one plus the number of store windows republished into them, which is what the chain stage's
 * "sum of store revisions" reaches with the same values, so the two never disagree on a revision.
 */
export async function runRecompute(deps: {
  config: KpiConfig;
  args: RecomputeArgs;
  kafka: Kafka;
  serde: AvroSerde;
  kpiSchemaId: number;
  kpiType: avro.Type;
  logger: Logger;
  /** Called with the number of input records of each batch read (a caller's progress display). */
  onRead?: (records: number) => void;
}): Promise<RecomputeSummary> {
  const { config, args, kafka, serde, logger } = deps;
  if (!args.force && args.to > Date.now() - config.KPI_ALLOWED_LATENESS_MS - config.KPI_EVICT_GRACE_MS) {
    throw new ValidationError(
      'BAD_ARGS',
      'windows this recent may still be in a running instance state (lateness + grace); wait, or pass --force',
    );
  }
  if (!args.dryRun) await ensureKpiTopics(config, kafka);
  const events: StoreEvent[] = [];
  let eventsRead = 0;
  await readTopicRange({
    kafka,
    topic: config.KPI_INPUT_TOPIC,
    fromTimestamp: args.from - args.marginMs,
    onBatch: async (_p, messages) => {
      deps.onRead?.(messages.length);
      for (const m of messages) {
        if (!m.value) continue;
        eventsRead++;
        const ev = (await serde.decode<StoreEvent>(m.value).catch(() => undefined))?.value;
        if (!ev || ev.occurred_at < args.from) continue;
        if (args.store !== undefined && ev.store_id !== args.store) continue;
        events.push(ev);
      }
    },
  });
  const exact = recomputeExact(events, {
    defaultTimeZone: config.STORE_DEFAULT_TIMEZONE,
    chainTimeZone: config.KPI_CHAIN_TIMEZONE,
    chainCurrency: config.KPI_CURRENCY,
  });

  const current = new Map<string, number>();
  await readTopicRange({
    kafka,
    topic: config.KPI_OUTPUT_TOPIC,
    onBatch: async (_p, messages) => {
      for (const m of messages) {
        if (!m.value) continue;
        const rec = (await serde.decode<KpiWindowUpdated>(m.value).catch(() => undefined))?.value;
        if (!rec) continue;
        const key = kpiKey(rec);
        if (rec.revision > (current.get(key) ?? 0)) current.set(key, rec.revision);
      }
    },
  });

  const now = Date.now();
  const storeOut: Message[] = [];
  const chainFeeds = new Map<string, number>();
  const chainCurrency = config.KPI_CURRENCY;
  for (const [key, w] of exact) {
    if (w.scope === 'chain' || w.start < args.from || w.start >= args.to) continue;
    const storeId = w.scope.slice('store:'.length);
    const currencyEvent = events.find((e) => e.store_id === storeId && 'currency' in e);
    const currency = currencyEvent && 'currency' in currencyEvent ? currencyEvent.currency : chainCurrency;
    const rec = kpiRecord({
      storeId,
      w,
      m: w.m,
      currency,
      revision: (current.get(key) ?? 0) + 1,
      isFinal: true,
      now,
    });
    storeOut.push({
      key,
      value: serde.encodeWith(deps.kpiSchemaId, deps.kpiType, rec),
      headers: { event_type: 'KpiWindowUpdated' },
    });
    if (w.size !== 'D1_LOCAL' && currency === chainCurrency) {
      const feeds = [fixedWindow(w.size, w.start)];
      if (w.size === 'M15') feeds.push(localDayWindow(w.start, config.KPI_CHAIN_TIMEZONE));
      for (const f of feeds) {
        const ck = `chain|${f.size}|${f.start}`;
        chainFeeds.set(ck, (chainFeeds.get(ck) ?? 0) + 1);
      }
    }
  }
  const chainOut: Message[] = [];
  if (args.store === undefined) {
    for (const [key, w] of exact) {
      if (w.scope !== 'chain' || w.start < args.from || w.start >= args.to) continue;
      const revision = (current.get(key) ?? 0) + Math.max(1, chainFeeds.get(key) ?? 0);
      const rec = kpiRecord({
        storeId: null,
        w,
        m: w.m,
        currency: chainCurrency,
        revision,
        isFinal: true,
        now,
      });
      chainOut.push({
        key,
        value: serde.encodeWith(deps.kpiSchemaId, deps.kpiType, rec),
        headers: { event_type: 'KpiWindowUpdated' },
      });
    }
  }

  if (args.dryRun) {
    const summary = {
      eventsRead,
      storeWindows: storeOut.length,
      chainWindows: chainOut.length,
      published: false,
    };
    logger.info(summary, 'recompute dry run: nothing published');
    return summary;
  }
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: javaCompatiblePartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < storeOut.length; i += 500) {
      const part = storeOut.slice(i, i + 500);
      await producer.sendBatch({
        acks: -1,
        topicMessages: [
          { topic: config.KPI_OUTPUT_TOPIC, messages: part },
          { topic: config.KPI_STORE_WINDOWS_TOPIC, messages: part.map((m) => ({ ...m, partition: 0 })) },
        ],
      });
    }
    for (let i = 0; i < chainOut.length; i += 500) {
      await producer.send({ topic: config.KPI_OUTPUT_TOPIC, messages: chainOut.slice(i, i + 500), acks: -1 });
    }
  } finally {
    await producer.disconnect();
  }
  const summary = {
    eventsRead,
    storeWindows: storeOut.length,
    chainWindows: chainOut.length,
    published: true,
  };
  logger.info(summary, 'recompute published');
  return summary;
}
