/**
 * Preload for the bench's server (`--node-arg=--import=<abs path>/bench/count-queries.ts`): counts
 * the SQL statements sent per HTTP request (by method and route shape) and prints them to stderr
 * when the process exits. Measurement aid only; never loaded by the service itself.
 */
import { countStatementsPerRequest } from '../test/statement-counter.ts';

const { stats } = countStatementsPerRequest();

process.on('exit', () => {
  for (const [key, s] of stats) {
    if (!s.requests) continue;
    process.stderr.write(
      `${key}: ${s.requests} requests, ${(s.statements / s.requests).toFixed(2)} statements/request\n`,
    );
    for (const [t, n] of [...s.texts].sort((a, b) => b[1] - a[1]))
      process.stderr.write(`    ${(n / s.requests).toFixed(2)}× ${t}\n`);
  }
});
