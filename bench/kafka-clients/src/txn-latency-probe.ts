/**
 * npx tsx bench/kafka-clients/src/txn-latency-probe.ts [--transactions 30]
 *
 * Latency of back-to-back kafkajs transactions (begin, one send, commit) on one partition, with
 * kafkajs' default first retry (300 ms) and with the runtime's TRANSACTIONAL_PRODUCER_RETRY. A
 * transaction started while the broker still writes the previous one's markers is answered
 * CONCURRENT_TRANSACTIONS and waits for the first retry; the probe counts those answers.
 */
import { parseArgs } from 'node:util';
import { TRANSACTIONAL_PRODUCER_RETRY } from '@retail-stream/runtime';
import { benchKafkaEnv, kafkajsClient, kafkajsLogCounts } from './bench-kafka-env.ts';

const { values } = parseArgs({ options: { transactions: { type: 'string', default: '30' } } });
const n = Number(values.transactions);
const env = benchKafkaEnv();
const topic = `txn-probe-${Date.now().toString(36)}`;
const admin = kafkajsClient(env, 'txn-probe-admin').admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
const settings = { 'kafkajs default (300 ms)': { retries: 5 }, TRANSACTIONAL_PRODUCER_RETRY };
try {
  for (const [name, retry] of Object.entries(settings)) {
    // The bench's own client counts the CONCURRENT_TRANSACTIONS answers (one per broker answer).
    kafkajsLogCounts.concurrentTransactions = 0;
    const kafka = kafkajsClient(env, 'txn-probe');
    const p = kafka.producer({
      transactionalId: `txn-probe-${Date.now().toString(36)}`,
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { ...retry },
    });
    await p.connect();
    const ms: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const txn = await p.transaction();
      await txn.send({ topic, messages: [{ key: 'k', value: 'v' }] });
      await txn.commit();
      ms.push(performance.now() - t0);
    }
    await p.disconnect();
    ms.sort((a, b) => a - b);
    const mean = ms.reduce((a, b) => a + b, 0) / n;
    console.log(
      `${name}: ${n} transactions, p50 ${ms[Math.floor(n / 2)]!.toFixed(0)} ms, max ${ms[n - 1]!.toFixed(0)} ms, ` +
        `mean ${mean.toFixed(1)} ms; CONCURRENT_TRANSACTIONS answers ${kafkajsLogCounts.concurrentTransactions}`,
    );
  }
} finally {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
}
