import type { RecordSource } from './bench-records.ts';
import type { BenchKafkaEnv } from './bench-kafka-env.ts';

/** kafkajs first: every ratio is against it (the client the runtime uses today). */
export const CLIENTS = ['kafkajs', 'platformatic', 'ckjs'] as const;
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
   * CPU (user + system) the client process spent over the measured interval, all threads. Unlike records/s
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
  produce(spec: RunSpec, source: RecordSource): Promise<Omit<RunResult, 'rssPeakMiB' | 'rssBaseMiB'>>;
  consume(spec: RunSpec): Promise<Omit<RunResult, 'rssPeakMiB' | 'rssBaseMiB'>>;
  transform(spec: RunSpec): Promise<Omit<RunResult, 'rssPeakMiB' | 'rssBaseMiB'>>;
}

export type ClientFactory = (env: BenchKafkaEnv) => ClientBench;

/**
 * The clock of every loop. Produce starts it before the first send. The consuming loops start it when the member has joined its group (or at the first
 * record, should that come first), so the first fetch is measured for both clients while the group
 * join (the broker's initial rebalance delay) is not.
 */
export class JoinClock {
  private start = 0n;
  private cpuAtStart: NodeJS.CpuUsage | undefined;

  started(): void {
    if (this.start !== 0n) return;
    this.start = process.hrtime.bigint();
    this.cpuAtStart = process.cpuUsage();
  }

  seconds(): number {
    return elapsedSeconds(this.start);
  }

  /** Wall and CPU (user + system, all threads) seconds over the same interval. */
  stop(): { seconds: number; cpuSeconds: number } {
    const cpu = process.cpuUsage(this.cpuAtStart);
    return { seconds: this.seconds(), cpuSeconds: (cpu.user + cpu.system) / 1e6 };
  }
}

/** Seconds since `start` (hrtime). */
export function elapsedSeconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}
