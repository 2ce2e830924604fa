import { AssignedReader, parseFrame, type Logger, type WaitOptions } from '@retail-stream/runtime';
import { catalogue, type ProductUpserted, type StoreUpserted } from '@retail-stream/schemas';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { EventSchemas } from './event-schemas.ts';
import { ReferenceData } from './reference-data.ts';

export interface ReferenceFeedOptions {
  kafka: Kafka;
  logger: Logger;
  /** Must be initialised before start: records are matched by the catalogue's schema ids. */
  schemas: EventSchemas;
  storesTopic: string;
  productsTopic: string;
}

/**
 * The compacted store and product topics, read whole by assignment in every instance (no consumer
 * group) and kept followed, decoded into ReferenceData. Unreadable records and records of another
 * schema are logged and skipped: reference data is best effort, enrichment tolerates its absence.
 */
export class ReferenceFeed {
  readonly refs = new ReferenceData();
  private readonly reader: AssignedReader;

  constructor(private readonly opts: ReferenceFeedOptions) {
    this.reader = new AssignedReader({
      kafka: opts.kafka,
      logger: opts.logger,
      topics: [opts.storesTopic, opts.productsTopic],
      onBatch: (topic, _partition, messages) => {
        for (const m of messages) this.apply(topic, m);
      },
    });
  }

  start(): Promise<void> {
    return this.reader.start();
  }

  /** Everything written to both topics before now is applied. */
  async waitCaughtUp(opts: WaitOptions): Promise<void> {
    await this.reader.waitForEnd(this.opts.storesTopic, undefined, opts);
    await this.reader.waitForEnd(this.opts.productsTopic, undefined, opts);
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }

  private apply(topic: string, m: KafkaMessage): void {
    const { storesTopic, productsTopic, schemas, logger } = this.opts;
    const key = m.key?.toString();
    if (m.value === null) {
      if (key && topic === storesTopic) this.refs.removeStore(key);
      if (key && topic === productsTopic) this.refs.removeProduct(key);
      return;
    }
    try {
      const { schemaId, body } = parseFrame(m.value);
      if (topic === storesTopic && schemaId === schemas.idOf('StoreUpserted')) {
        this.refs.upsertStore(storeType.fromBuffer(body) as StoreUpserted);
      } else if (topic === productsTopic && schemaId === schemas.idOf('ProductUpserted')) {
        this.refs.upsertProduct(productType.fromBuffer(body) as ProductUpserted);
      } else {
        logger.warn({ topic, offset: m.offset, schemaId }, 'reference record with another schema ignored');
      }
    } catch (err) {
      logger.warn({ err, topic, offset: m.offset }, 'unreadable reference record ignored');
    }
  }
}

const storeType = catalogue.events.get('StoreUpserted')!.type;
const productType = catalogue.events.get('ProductUpserted')!.type;
