import type { ClientName, RunResult, ScenarioName } from './scenario.ts';

export interface Measured {
  scenario: ScenarioName;
  valueBytes: number;
  round: number;
  client: ClientName;
  /** 1-minute load average of the machine right before the run (what `uptime` prints first). */
  loadBefore: number;
  result: RunResult;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const rate = (r: RunResult) => r.records / r.seconds;
const mbps = (r: RunResult) => r.bytes / r.seconds / 1e6;
/** CPU microseconds per record: the load-independent cost of the client. */
const cpuUs = (r: RunResult) => (r.cpuSeconds / r.records) * 1e6;

/** One line per run, as it happened (the raw data under the medians). */
export function runLine(m: Measured): string {
  const r = m.result;
  const txns =
    (r.transactions === undefined ? '' : ` txns=${r.transactions}`) +
    (r.concurrentTxnRetries ? ` CONCURRENT_TRANSACTIONS retries=${r.concurrentTxnRetries}` : '');
  return (
    `${m.scenario.padEnd(9)} ${String(m.valueBytes).padStart(5)} B  round ${m.round}  ${m.client.padEnd(12)} ` +
    `load ${m.loadBefore.toFixed(2).padStart(5)}  ${Math.round(rate(r)).toLocaleString('en').padStart(9)} rec/s  ` +
    `${mbps(r).toFixed(1).padStart(6)} MB/s  ${r.seconds.toFixed(2)} s  CPU ${cpuUs(r).toFixed(1)} µs/rec  RSS ${Math.round(r.rssBaseMiB)}→${Math.round(r.rssPeakMiB)} MiB${txns}`
  );
}

/**
 * Markdown table: medians per scenario and size, platformatic ÷ kafkajs for throughput and
 * kafkajs ÷ platformatic for CPU per record (both > 1 when platformatic is better).
 */
export function summaryTable(all: Measured[]): string {
  const rows = [
    '| scenario | value | kafkajs rec/s | platformatic rec/s | ratio plt÷kjs | kafkajs MB/s | platformatic MB/s | kafkajs CPU µs/rec | platformatic CPU µs/rec | CPU ratio kjs÷plt | kafkajs RSS peak MiB | platformatic RSS peak MiB |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const keys = [...new Set(all.map((m) => `${m.scenario}|${m.valueBytes}`))];
  for (const key of keys) {
    const [scenario, size] = key.split('|');
    const of = (client: ClientName) =>
      all.filter((m) => m.scenario === scenario && String(m.valueBytes) === size && m.client === client);
    const k = of('kafkajs');
    const p = of('platformatic');
    if (k.length === 0 || p.length === 0) continue;
    const kr = median(k.map((m) => rate(m.result)));
    const pr = median(p.map((m) => rate(m.result)));
    const kc = median(k.map((m) => cpuUs(m.result)));
    const pc = median(p.map((m) => cpuUs(m.result)));
    const fmt = (x: number) => Math.round(x).toLocaleString('en');
    rows.push(
      `| ${scenario} | ${size} B | ${fmt(kr)} | ${fmt(pr)} | ${(pr / kr).toFixed(2)} | ` +
        `${median(k.map((m) => mbps(m.result))).toFixed(1)} | ${median(p.map((m) => mbps(m.result))).toFixed(1)} | ` +
        `${kc.toFixed(1)} | ${pc.toFixed(1)} | ${(kc / pc).toFixed(2)} | ` +
        `${Math.round(median(k.map((m) => m.result.rssPeakMiB)))} | ${Math.round(median(p.map((m) => m.result.rssPeakMiB)))} |`,
    );
  }
  return rows.join('\n');
}
