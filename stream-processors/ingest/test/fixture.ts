import { AvroSerde } from '@retail-stream/runtime';
import type { StoreEvent } from '@retail-stream/schemas';
import {
  deleteTestGroups,
  packageDirs,
  decodeAll,
  ServiceProcess,
  Teardowns,
  TestProducer,
  TopicCollector,
  TEST_SIGNING_MASTER_KEYS,
} from '@retail-stream/runtime/testing';
import { testBundle } from '@retail-stream/scripts/bundle';
import { afterAll, expect } from 'vitest';
import type { IngestConfig } from '../src/config.ts';
import {
  catalogueIds,
  createInputTopic,
  deleteTopics,
  startProcessor,
  testConfig,
  type RunningProcessor,
} from './ingest-harness.ts';

const { repoRoot: ROOT } = packageDirs(import.meta.url);
const INGEST_ENTRY = 'stream-processors/ingest/src/main.ts';

/** What an ingest integration test works with; everything it starts is stopped after the file. */
export interface IngestTestBed {
  readonly config: IngestConfig;
  readonly serde: AvroSerde;
  /** Registers the catalogue and creates the input topic; returns the schema ids. */
  prepare(inputPartitions: number): Promise<Record<string, number>>;
  /** The raw-record producer (the kit's TestProducer, connected on first use, one per file). */
  feed(): Promise<TestProducer>;
  /** An in-process instance of the processor. */
  start(name?: string): Promise<RunningProcessor>;
  /** Reads `topic` from the beginning. */
  collect(topic: string, clientId: string): Promise<TopicCollector>;
  /** The real service (`src/main.ts`) as a child process, configured like `config`. */
  spawn(): ServiceProcess;
}

/**
 * One file's test bed: fresh topics and group (testConfig), and an afterAll that stops the
 * processors and children, closes the feed, stops the collectors and deletes the topics and the
 * group. Lives apart from the harness so the benchmark can import the harness without vitest.
 */
export function useIngestTestBed(overrides: Record<string, string> = {}): IngestTestBed {
  const config = testConfig(overrides);
  const serde = AvroSerde.fromConfig(config);
  // Registered first, run last: the topics and the group go once everything using them stopped.
  const teardowns = new Teardowns({ ignoreErrors: true });
  teardowns.push(
    () => deleteTopics(config),
    () => deleteTestGroups(config.KAFKA_BROKERS, [config.INGEST_GROUP_ID]),
  );
  let feed: Promise<TestProducer> | undefined;
  // Children run the service's bundle, as its container does (built in prepare()).
  let bundle: string | undefined;

  afterAll(() => teardowns.run());

  return {
    config,
    serde,
    async prepare(inputPartitions) {
      bundle ??= await testBundle(INGEST_ENTRY);
      const ids = await catalogueIds(serde, config);
      await createInputTopic(config, inputPartitions);
      return ids;
    },
    feed() {
      feed ??= TestProducer.connect(config.KAFKA_BROKERS, 'ingest-it-feed', {
        // Reference records are fed before the processor (which owns those topics) first starts.
        autoCreateTopics: true,
      }).then((p) => teardowns.add(p, (q) => q.close()));
      return feed;
    },
    // A test may stop an instance itself; stopping it again after the file is a no-op.
    async start(name) {
      return teardowns.add(await startProcessor(config, name), (p) => p.stop());
    },
    async collect(topic, clientId) {
      return teardowns.add(await new TopicCollector(config.KAFKA_BROKERS, topic, clientId).start(), (c) =>
        c.stop(),
      );
    },
    spawn() {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(config)) env[k] = Array.isArray(v) ? v.join(',') : String(v);
      env.OPS_PORT = '0';
      // Parsed into key objects in `config`; the child gets the setting as written.
      env.SIGNING_MASTER_KEYS = overrides.SIGNING_MASTER_KEYS ?? TEST_SIGNING_MASTER_KEYS;
      // Its logs stay in child.output (for a failure message) rather than flooding the test's.
      if (!bundle) throw new Error('spawn() runs the bundle prepare() builds: call prepare() first');
      const child = new ServiceProcess(bundle, env, { cwd: ROOT });
      return teardowns.add(child, (c) => (c.running ? c.kill9() : undefined));
    },
  };
}

/**
 * Once the output went quiet: it holds every one of the `total` events exactly once, and the
 * events of store `<storePrefix><i>` in the order of `stores[i]` (what every scaling and crash test
 * of the processor asserts).
 */
export async function expectEachOnceInStoreOrder(
  enriched: TopicCollector,
  serde: AvroSerde,
  total: number,
  stores: readonly StoreEvent[][],
  storePrefix: string,
): Promise<void> {
  await enriched.settled(2_000);
  const out = await decodeAll<StoreEvent>(serde, enriched.messages);
  expect(out).toHaveLength(total);
  expect(new Set(out.map((e) => e.event_id)).size).toBe(total);
  for (const [i, s] of stores.entries()) {
    expect(out.filter((e) => e.store_id === `${storePrefix}${i}`).map((e) => e.store_seq)).toEqual(
      s.map((e) => e.store_seq),
    );
  }
}
