import { AvroSerde } from '@retail-stream/runtime';
import { ServiceProcess, TopicCollector } from '@retail-stream/runtime/testing';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { IngestConfig } from '../src/config.ts';
import {
  catalogueIds,
  createInputTopic,
  deleteTopics,
  RawProducer,
  startProcessor,
  testConfig,
  type RunningProcessor,
} from './ingest-harness.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** What an ingest integration test works with; everything it starts is stopped after the file. */
export interface IngestTestBed {
  readonly config: IngestConfig;
  readonly serde: AvroSerde;
  /** Registers the catalogue and creates the input topic; returns the schema ids. */
  prepare(inputPartitions: number): Promise<Record<string, number>>;
  /** The raw-record producer (connected on first use, one per file). */
  feed(): Promise<RawProducer>;
  /** An in-process instance of the processor. */
  start(name?: string): Promise<RunningProcessor>;
  /** Reads `topic` from the beginning. */
  collect(topic: string, clientId: string): Promise<TopicCollector>;
  /** The real service (`src/main.ts`) as a child process, configured like `config`. */
  spawn(): ServiceProcess;
}

/**
 * One file's test bed: fresh topics and group (testConfig), and an afterAll that stops the
 * processors and children, disconnects the feed, stops the collectors and deletes the topics.
 * Lives apart from the harness so the benchmark can import the harness without vitest.
 */
export function useIngestTestBed(overrides: Record<string, string> = {}): IngestTestBed {
  const config = testConfig(overrides);
  const serde = AvroSerde.fromUrl(config.SCHEMA_REGISTRY_URL);
  const processors: RunningProcessor[] = [];
  const children: ServiceProcess[] = [];
  const collectors: TopicCollector[] = [];
  let feed: Promise<RawProducer> | undefined;

  afterAll(async () => {
    for (const p of processors) await p.stop().catch(() => undefined);
    for (const c of children) if (c.running) await c.kill9();
    await (await feed?.catch(() => undefined))?.disconnect();
    for (const c of collectors) await c.stop();
    await deleteTopics(config);
  });

  return {
    config,
    serde,
    async prepare(inputPartitions) {
      const ids = await catalogueIds(serde, config);
      await createInputTopic(config, inputPartitions);
      return ids;
    },
    feed() {
      feed ??= new RawProducer(config.KAFKA_BROKERS).connect();
      return feed;
    },
    async start(name) {
      const p = await startProcessor(config, name);
      // A test may stop an instance itself; stopping it again after the file is a no-op.
      let stopping: Promise<void> | undefined;
      const instance = { ...p, stop: () => (stopping ??= p.stop()) };
      processors.push(instance);
      return instance;
    },
    async collect(topic, clientId) {
      const c = await new TopicCollector(config.KAFKA_BROKERS, topic, clientId).start();
      collectors.push(c);
      return c;
    },
    spawn() {
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(config)) env[k] = Array.isArray(v) ? v.join(',') : String(v);
      env.OPS_PORT = '0';
      // Its logs stay in child.output (for a failure message) rather than flooding the test's.
      const child = new ServiceProcess('stream-processors/ingest/src/main.ts', env, { cwd: ROOT });
      children.push(child);
      return child;
    },
  };
}
