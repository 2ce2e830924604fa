import type { ClientName, RunResult, ScenarioName } from './scenario.ts';

export interface Measured {
  scenario: ScenarioName;
  valueBytes: number;
  round: number;
  /** kcat: the consume ceiling (kcat-ceiling.ts), not a candidate. */
  client: ClientName | 'kcat';
  /** 1-minute load average of the machine right before the run (what `uptime` prints first). */
  loadBefore: number;
  result: RunResult;
}

export const median = (xs: number[]): number => {
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
 * Markdown table of medians, one row per scenario, size and client: records/s and its ratio to
 * kafkajs (> 1: faster), CPU µs per record and kafkajs ÷ client (> 1: cheaper), RSS peak.
 */
export function summaryTable(all: Measured[]): string {
  const rows = [
    '| scenario | value | client | runs | records/s | ÷ kafkajs | MB/s | CPU µs/record | CPU kafkajs ÷ client | RSS peak MiB | load before |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const fmt = (x: number) => Math.round(x).toLocaleString('en');
  const keys = [...new Set(all.map((m) => `${m.scenario}|${m.valueBytes}`))];
  for (const key of keys) {
    const [scenario, size] = key.split('|');
    const of = (client: ClientName | 'kcat') =>
      all.filter((m) => m.scenario === scenario && String(m.valueBytes) === size && m.client === client);
    const base = of('kafkajs');
    const baseRate = base.length > 0 ? median(base.map((m) => rate(m.result))) : NaN;
    const baseCpu = base.length > 0 ? median(base.map((m) => cpuUs(m.result))) : NaN;
    for (const client of [...new Set(all.map((m) => m.client))]) {
      const runs = of(client);
      if (runs.length === 0) continue;
      const r = median(runs.map((m) => rate(m.result)));
      const c = median(runs.map((m) => cpuUs(m.result)));
      const loads = runs.map((m) => m.loadBefore);
      rows.push(
        `| ${scenario} | ${size} B | ${client} | ${runs.length} | ${fmt(r)} | ${(r / baseRate).toFixed(2)} | ` +
          `${median(runs.map((m) => mbps(m.result))).toFixed(1)} | ${c.toFixed(1)} | ${(baseCpu / c).toFixed(2)} | ` +
          `${Math.round(median(runs.map((m) => m.result.rssPeakMiB)))} | ` +
          `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} |`,
      );
    }
  }
  return rows.join('\n');
}
