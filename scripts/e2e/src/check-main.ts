import fs from 'node:fs';
import path from 'node:path';
import { parseCliOrExit } from '@retail-stream/runtime';
import { parseLedger } from '@retail-stream/store-simulator';
import { z } from 'zod';
import { runCheck } from './checker/run-check.ts';
import { localEndpoints } from './pipeline/local-endpoints.ts';
import { REPO_ROOT } from './pipeline/pipeline-spec.ts';
import { renderTable } from './reconcile.ts';

/**
 * `npm run check:e2e -- [--ledger FILE] [--run-suffix S] [--wait S] [--expect-dlq N]`: checks every
 * sink against the simulator's ledger and the stores' own databases. Exit 0 clean, 1 on any
 * difference, 64 on bad arguments.
 */

const USAGE =
  'usage: check:e2e [--ledger FILE (newest .data/demo/ledger-*.jsonl)] [--run-suffix S] [--wait SECONDS (0)] [--expect-dlq N (0)]';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(64);
}

const values = parseCliOrExit({
  usage: USAGE,
  options: {
    ledger: { type: 'string' },
    'run-suffix': { type: 'string', default: '' },
    wait: { type: 'string', default: '0' },
    'expect-dlq': { type: 'string', default: '0' },
  },
  schema: z.object({
    ledger: z.string().optional(),
    'run-suffix': z.string().regex(/^[a-z0-9]{0,16}$/, 'up to 16 characters [a-z0-9]'),
    wait: z.coerce.number().int().min(0).max(86_400),
    'expect-dlq': z.coerce.number().int().min(0),
  }),
});
const wait = values.wait;
const expectDlq = values['expect-dlq'];
const runSuffix = values['run-suffix'];

function newestLedger(): string {
  const dir = path.join(REPO_ROOT, '.data', 'demo');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^ledger-.*\.jsonl$/.test(f)) : [];
  if (files.length === 0) fail(`no ledger in ${dir}; give --ledger`);
  const newest = files
    .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t)[0]!.f;
  return path.join(dir, newest);
}

const ledger = values.ledger ?? newestLedger();
let entries;
try {
  entries = parseLedger(fs.readFileSync(ledger, 'utf8'));
} catch (err) {
  fail(`cannot read ledger ${ledger}: ${(err as Error).message}`);
}

process.stderr.write(`checking ${path.relative(process.cwd(), ledger)} (run suffix '${runSuffix}')\n`);
const result = await runCheck({
  entries,
  runSuffix,
  waitSeconds: wait,
  expectDlq,
  endpoints: localEndpoints(),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${renderTable(result.rows)}\n`);
if (!result.drained) process.stdout.write(`not drained when checked: ${result.pending}\n`);
process.stdout.write(result.clean ? 'end-to-end check: clean\n' : 'end-to-end check: DIFFERENCES FOUND\n');
process.exit(result.clean ? 0 : 1);
