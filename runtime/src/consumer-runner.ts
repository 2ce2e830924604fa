import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import { backoffDelayMs, defaultBackoff, type BackoffOptions } from './backoff.ts';
import { errorCode, isRetriable } from './errors.ts';
import type { Logger } from './logger.ts';
import { counter, gauge, histogram } from './metric-factory.ts';
import { DEFAULT_MAX_UNKNOWN_ERROR_RETRIES, UnknownErrorBudget } from './unknown-error-budget.ts';

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  highWatermark: string;
  /** Long handlers call this so the group doesn't think the member died. */
  heartbeat(): Promise<void>;
  /** True once the partition was revoked or seeked: results of this batch must not be committed. */
  isStale(): boolean;
}

/**
 * after-batch: the runner commits offsets once the handler returns (handler made its outputs durable).
 * by-handler: the handler commits itself, e.g. sends offsets inside a Kafka transaction.
 */
export type CommitMode = 'after-batch' | 'by-handler';

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  logger: Logger;
  metrics: Registry;
  handle: (batch: ConsumedBatch) => Promise<void>;
  /** Called once when the handler throws a non-retriable error; the service should shut down. */
  onFatal: (err: unknown) => void;
  fromBeginning?: boolean;
  commitMode?: CommitMode;
  /** Only see committed records of transactional producers (default true). */
  readCommitted?: boolean;
  retry?: BackoffOptions;
  partitionsConsumedConcurrently?: number;
  /**
   * A retriable-looking failure whose root cause nothing recognises (a bug wrapped as an outage,
   * isUnclassifiedError) is retried this many times in a row, then handled as fatal; the config
   * key is MAX_UNKNOWN_ERROR_RETRIES.
   */
  maxUnknownErrorRetries?: number;
  maxBytesPerPartition?: number;
  sessionTimeoutMs?: number;
  /**
   * Called after every (re)join with this member's assignment (topic → partitions), before any batch
   * of the new generation is handled: consume-transform-produce handlers re-fence and restore state.
   */
  onGroupJoin?: (assignment: Record<string, number[]>) => void;
}

/**
 * The one way services consume Kafka. Guarantees, given a handler that makes its outputs durable
 * before returning and tolerates redelivery:
 *  - offsets are committed only after the handler succeeded (never past unwritten data);
 *  - a retriable failure (database down, broker hiccup) pauses the partition and retries the same
 *    records with backoff while heart-beating, so a slow dependency applies backpressure instead of
 *    growing memory or losing records;
 *  - after a rebalance a stale batch is never committed; the new owner re-reads it;
 *  - a non-retriable handler error stops consumption without committing and reports onFatal
 *    (poison records are the handler's to dead-letter; an error escaping it is a bug, and stopping
 *    loses nothing).
 */
export class ConsumerRunner {
  private readonly consumer: Consumer;
  private joined = false;
  private crashed = false;
  private fatal = false;
  private readonly metrics;

  constructor(private readonly opts: ConsumerRunnerOptions) {
    this.consumer = opts.kafka.consumer({
      groupId: opts.groupId,
      readUncommitted: opts.readCommitted === false,
      maxBytesPerPartition: opts.maxBytesPerPartition ?? 4 * 1024 * 1024,
      sessionTimeout: opts.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: Math.floor((opts.sessionTimeoutMs ?? 30_000) / 10),
    });
    const r = opts.metrics;
    this.metrics = {
      batches: counter(r, 'retail_consumer_batches_total', 'Batches handled successfully', [
        'group',
        'topic',
      ]),
      messages: counter(r, 'retail_consumer_messages_total', 'Records handled successfully', [
        'group',
        'topic',
      ]),
      retries: counter(r, 'retail_consumer_retries_total', 'Batch retries after retriable errors', [
        'group',
        'topic',
        'code',
      ]),
      duration: histogram(
        r,
        'retail_consumer_batch_duration_seconds',
        'Handler time per batch, including retries',
        ['group', 'topic'],
      ),
      lag: gauge(r, 'retail_consumer_lag_messages', 'High watermark minus next offset after the last batch', [
        'group',
        'topic',
        'partition',
      ]),
      paused: gauge(r, 'retail_consumer_paused_partitions', 'Partitions paused for backpressure', ['group']),
      // kafkajs fetches again only once every batch of the last fetch was handled, so a batch's
      // path is fetch, then handler: this is the first half (broker wait plus record decoding).
      fetch: histogram(
        r,
        'retail_consumer_fetch_duration_seconds',
        'Fetch time (broker wait and record decoding) before the batches are handed to the handler',
        ['group'],
      ),
    };
    this.consumer.on(this.consumer.events.FETCH, (e) =>
      this.metrics.fetch.observe({ group: opts.groupId }, e.payload.duration / 1000),
    );
    this.consumer.on(this.consumer.events.GROUP_JOIN, (e) => {
      this.joined = true;
      opts.onGroupJoin?.(e.payload.memberAssignment);
      opts.logger.info(
        { group: opts.groupId, assignment: e.payload.memberAssignment },
        'joined consumer group',
      );
    });
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      this.crashed = !e.payload.restart;
      opts.logger.error(
        { group: opts.groupId, err: e.payload.error, restart: e.payload.restart },
        'consumer crashed',
      );
    });
  }

  async start(): Promise<void> {
    const { topics, fromBeginning } = this.opts;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  isReady(): boolean {
    return this.joined && !this.crashed && !this.fatal;
  }

  /**
   * Commits one partition's next offset, for handlers that commit after they returned (a sink
   * whose writes land later: sink-kit/async-commits.ts, with commitMode 'by-handler').
   */
  async commitOffset(topic: string, partition: number, offset: string): Promise<void> {
    await this.consumer.commitOffsets([{ topic, partition, offset }]);
  }

  /** Stops fetching every topic (a graceful stop drains writes still landing before it leaves). */
  pauseAll(): void {
    this.consumer.pause(this.opts.topics.map((topic) => ({ topic })));
  }

  /** Waits for the in-flight batch to finish (and commit), then leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.stop();
    await this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset, pause } = payload;
    if (this.fatal || batch.isEmpty()) return;
    const { groupId, logger } = this.opts;
    const labels = { group: groupId, topic: batch.topic };
    const endTimer = this.metrics.duration.startTimer(labels);
    let resume: (() => void) | undefined;
    const unknownErrors = new UnknownErrorBudget(
      this.opts.maxUnknownErrorRetries ?? DEFAULT_MAX_UNKNOWN_ERROR_RETRIES,
      `consumer group ${groupId}, ${batch.topic}[${batch.partition}]`,
    );
    try {
      for (let attempt = 1; ; attempt++) {
        if (!isRunning() || isStale()) return;
        try {
          await this.opts.handle({
            topic: batch.topic,
            partition: batch.partition,
            messages: batch.messages,
            highWatermark: batch.highWatermark,
            heartbeat,
            isStale,
          });
          break;
        } catch (caught) {
          const exhausted = isRetriable(caught) ? unknownErrors.record(caught) : undefined;
          const err = exhausted ?? caught;
          if (exhausted || !isRetriable(err)) {
            this.fatal = true;
            // Stop fetching everything: nothing more may be handled (or committed) until a restart.
            this.consumer.pause(this.opts.topics.map((topic) => ({ topic })));
            logger.fatal(
              { err, code: errorCode(err), ...labels, partition: batch.partition, attempt },
              exhausted
                ? `unknown handler error retried ${unknownErrors.attempts} times: stopping without commit`
                : 'non-retriable handler error: stopping without commit',
            );
            this.opts.onFatal(err);
            return;
          }
          this.metrics.retries.inc({ ...labels, code: errorCode(err) });
          if (!resume) {
            resume = pause();
            this.metrics.paused.inc({ group: groupId });
          }
          const delay = backoffDelayMs(attempt, this.opts.retry ?? defaultBackoff);
          logger.warn(
            { err, ...labels, partition: batch.partition, attempt, delayMs: delay },
            'retriable handler error: backing off',
          );
          await this.sleepWithHeartbeat(delay, heartbeat, isRunning);
        }
      }
      const last = batch.lastOffset();
      resolveOffset(last);
      const next = (BigInt(last) + 1n).toString();
      if ((this.opts.commitMode ?? 'after-batch') === 'after-batch' && !isStale()) {
        await this.consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: next }]);
      }
      this.metrics.batches.inc(labels);
      this.metrics.messages.inc(labels, batch.messages.length);
      const lag = BigInt(batch.highWatermark) - BigInt(next);
      this.metrics.lag.set({ ...labels, partition: String(batch.partition) }, Number(lag > 0n ? lag : 0n));
    } finally {
      if (resume) {
        resume();
        this.metrics.paused.dec({ group: groupId });
      }
      endTimer();
    }
  }

  private async sleepWithHeartbeat(
    ms: number,
    heartbeat: () => Promise<void>,
    isRunning: () => boolean,
  ): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && isRunning()) {
      await sleep(Math.min(1_000, until - Date.now()));
      await heartbeat().catch(() => undefined);
    }
  }
}
