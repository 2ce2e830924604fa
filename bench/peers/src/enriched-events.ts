import { AvroSerde, newKafkaClient, seededRandom } from '@retail-stream/runtime';
import { registryConfigOf } from '@retail-stream/runtime/testing';
import { registerAll, type StoreEvent } from '@retail-stream/schemas';
import { StoreEventFactory } from '@retail-stream/schemas/testing';
import { logLevel, Partitioners, type Message } from 'kafkajs';
import { brokers, env, registryUrl } from './peer-env.ts';

/**
 * Enriched events exactly as stream-processors/kpi-windows/bench/kpi-bench.ts builds them (same
 * factory, seeds, store ids, time zones and interleaving), so both KPI jobs read the records our
 * own KPI bench reads.
 */
const zones = ['Asia/Ho_Chi_Minh', 'Asia/Bangkok', 'Asia/Kolkata', 'America/New_York'];
const KPI_TYPES = new Set(['SaleRecorded', 'SaleRefunded', 'SaleVoided', 'PaymentCaptured', 'PaymentFailed']);

export const kafka = newKafkaClient({ clientId: 'peers-bench', brokers, logLevel: logLevel.NOTHING });

async function encoder() {
  const serde = AvroSerde.fromConfig(registryConfigOf(registryUrl, env));
  const ids = await registerAll(serde, { registryUrl });
  return async (e: StoreEvent, occurredAt: number, storeIndex: number): Promise<Message> => {
    const ev = {
      ...e,
      occurred_at: occurredAt,
      enrichment: {
        store_known: true,
        store_name: `Store ${e.store_id}`,
        region: 'South',
        timezone: zones[storeIndex % zones.length]!,
        products: [],
        ingested_at: Date.now(),
      },
    };
    return {
      key: ev.store_id,
      value: await serde.encode(ids[ev.event_type]!, ev),
      headers: { event_type: ev.event_type, event_id: ev.event_id, trace_id: ev.trace_id },
    };
  };
}

function storeFactories(stores: number, clock: () => number, prefix = 'b') {
  return Array.from({ length: stores }, (_, i) => {
    const id = `${prefix}${String(i + 1).padStart(3, '0')}`;
    return new StoreEventFactory(id, seededRandom(i + 1), 1, clock);
  });
}

function idempotentProducer() {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

/** kpi-bench's preload: `n` events over `stores` stores, one hour of trading from a fixed past instant. */
export async function preloadEnriched(topic: string, n: number, stores: number): Promise<void> {
  const encode = await encoder();
  const producer = idempotentProducer();
  await producer.connect();
  const perStore = Math.ceil(n / stores);
  const start = Date.parse('2026-03-10T02:00:00Z');
  const step = Math.floor(3_600_000 / perStore);
  const factories = storeFactories(stores, () => start);
  let sent = 0;
  const slice = 20;
  for (let round = 0; sent < n; round++) {
    const messages: Message[] = [];
    for (let s = 0; s < stores && sent + messages.length < n; s++) {
      for (const [k, e] of factories[s]!.mixed(slice).entries()) {
        messages.push(await encode(e, start + (round * slice + k) * step, s));
      }
    }
    const take = messages.slice(0, n - sent);
    for (let i = 0; i < take.length; i += 500) {
      await producer.send({ topic, messages: take.slice(i, i + 500), acks: -1 });
    }
    sent += take.length;
  }
  await producer.disconnect();
}

/** Called for every KPI event sent live: its store, its 1-minute window and when it was sent. */
export type OnKpiSent = (storeId: string, m1Start: number, sentAt: number) => void;

/**
 * Live traffic at `rate` events/s while `keepGoing()`: occurred_at = the send time, so both jobs see
 * in-order, on-time events. Sent in 20 ms ticks; every KPI event is reported to `onSent` with the
 * time its batch was handed to the producer (also the record's timestamp).
 */
export async function paceEnriched(
  topic: string,
  rate: number,
  stores: number,
  onSent: OnKpiSent,
  keepGoing: () => boolean,
): Promise<{ sent: number }> {
  const encode = await encoder();
  const producer = idempotentProducer();
  await producer.connect();
  const factories = storeFactories(stores, Date.now, 'live');
  const pending: StoreEvent[][] = factories.map(() => []);
  const tickMs = 20;
  const started = Date.now();
  let sent = 0;
  let store = 0;
  while (keepGoing()) {
    // At most 500 per send (the broker's message size limit) when the loop fell behind.
    const due = Math.min(500, Math.floor(((Date.now() - started) / 1000) * rate) - sent);
    if (due > 0) {
      const now = Date.now();
      const messages: Message[] = [];
      const kpi: [string, number][] = [];
      for (let i = 0; i < due; i++) {
        const s = store++ % stores;
        if (pending[s]!.length === 0) pending[s] = factories[s]!.mixed(10);
        const e = pending[s]!.shift()!;
        const msg = await encode(e, now, s);
        messages.push({ ...msg, timestamp: String(now) });
        if (KPI_TYPES.has(e.event_type)) kpi.push([e.store_id, Math.floor(now / 60_000) * 60_000]);
      }
      // Recorded before the send, so an output can never be seen before its input's send time.
      for (const [storeId, m1] of kpi) onSent(storeId, m1, now);
      await producer.send({ topic, messages, acks: -1 });
      sent += due;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await producer.disconnect();
  return { sent };
}
