import type { RecordSource } from './bench-records.ts';
import type { BenchKafkaEnv } from './bench-kafka-env.ts';

export const CLIENTS = ['kafkajs', 'platformatic'] as const;
export type ClientName = (typeof CLIENTS)[number];

export const SCENARIOS = ['produce', 'consume', 'transform'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** What one child process is asked to do (argv JSON), and what it answers (stdout JSON). */
export interface RunSpec {
  client: ClientName;
  scenario: ScenarioName;
  /** produce: the fresh topic to fill; consume/transform: the filled input topic. */
  topic: string;
  /** transform only: the fresh output topic. */
  outputTopic?: string;
  /** consume/transform: a fresh consumer group. */
  groupId?: string;
  records: number;
  valueBytes: number;
  /** Records per produce call (produce scenario). */
  chunk: number;
}

export interface RunResult {
  /** Records the client handled (produced, consumed, or consumed+produced in committed transactions). */
  records: number;
  seconds: number;
  /** Value + key bytes the client handled. */
  bytes: number;
  /** Committed transactions (transform only). */
  transactions?: number;
  /**
   * CPU (user + system) the client process spent from connect to done, all threads. Unlike records/s
   * it hardly moves with the machine's load: the figure to compare on a shared box.
   */
  cpuSeconds: number;
  /** Peak resident set of the child process (getrusage maxrss), MiB. */
  rssPeakMiB: number;
  /** RSS once the client library and the records are loaded, before the first request, MiB. */
  rssBaseMiB: number;
  /** kafkajs: requests it retried after CONCURRENT_TRANSACTIONS (each waits its retry backoff). */
  concurrentTxnRetries?: number;
}

/** What each client implements: the same three loops, each in the client's own idiom. */
export interface ClientBench {
  produce(
    spec: RunSpec,
    source: RecordSource,
  ): Promise<Omit<RunResult, 'rssPeakMiB' | 'rssBaseMiB' | 'cpuSeconds'>>;
  consume(spec: RunSpec): Promise<Omit<RunResult, 'rssPeakMiB' | 'rssBaseMiB' | 'cpuSeconds'>>;
  transform(spec: RunSpec): Promise<Omit<RunResult, 'rssPeakMiB' | 'rssBaseMiB' | 'cpuSeconds'>>;
}

export type ClientFactory = (env: BenchKafkaEnv) => ClientBench;

/**
 * The clock of the consuming loops: it starts when the member has joined its group (or at the first
 * record, should that come first), so the first fetch is measured for both clients while the group
 * join (the broker's initial rebalance delay) is not.
 */
export class JoinClock {
  private start = 0n;

  started(): void {
    if (this.start === 0n) this.start = process.hrtime.bigint();
  }

  seconds(): number {
    return elapsedSeconds(this.start);
  }
}

/** The clock of the produce loop: from the first request until the last record is acknowledged. */
export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
