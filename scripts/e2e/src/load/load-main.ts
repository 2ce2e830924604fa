import fs from 'node:fs';
import { z } from 'zod';
import { serviceEnv } from '@retail-stream/infra';
import { loadConfigOrExit, parseCliOrExit } from '@retail-stream/runtime';
import { formatMs, summarize } from '@retail-stream/runtime/testing';
import { parseDuration } from '@retail-stream/store-simulator';
import { generateStores } from '@retail-stream/store-edge';
import { LoadDriver } from './load-driver.ts';
import { prepareLoadStores } from './load-stores.ts';

const USAGE = `usage: npm run load -w @retail-stream/e2e -- --rate <sales/s> --duration <20s|2m> [options]

Writes realistic store events (sales with payments, voids, refunds, stock counts, goods receipts)
straight into the outboxes of N store databases at a set aggregate rate, through the store edge's
own outbox writer. The relays (store host or npm run start -w @retail-stream/outbox-relay) publish
them as if tills had sold. Open loop: a driver that falls behind shows lag, it does not slow down.

options:
  --rate N              sales per second over all stores (default 200)
  --duration D          how long to write: 20s, 2m, 500ms, bare seconds (default 20s)
  --stores N            stores s001..sNNN (with --prefix) (default 10)
  --prefix P            store id prefix (default s, as npm run seed / the demo)
  --events-per-sale E   average events per sale, >= 2.2 (default 7, issue 14's planning figure;
                        2.2 is the demo's measured mix)
  --prepare             create, migrate and seed the store databases first (idempotent)
  --skus N              catalogue size when preparing (default 300)
  --seed N              seed of stores, catalogue and the event mix (default 42)
  --tick-ms N           shortest interval between two appends of one store (default 10)
  --ledger FILE         one JSON line per append: store, from_seq, to_seq, committed_at, sales
  --json                print the result as JSON (progress stays off)

examples:
  npm run load -w @retail-stream/e2e -- --prepare --stores 10 --rate 1000 --duration 2m
  npm run load -w @retail-stream/e2e -- --stores 3 --prefix lt --rate 50 --duration 10s --json
  npm run load -w @retail-stream/e2e -- --rate 200 --duration 30s --ledger /tmp/ledger.jsonl`;

const opts = parseCliOrExit({
  usage: USAGE,
  options: {
    rate: { type: 'string', default: '200' },
    duration: { type: 'string', default: '20s' },
    stores: { type: 'string', default: '10' },
    prefix: { type: 'string', default: 's' },
    'events-per-sale': { type: 'string', default: '7' },
    prepare: { type: 'boolean', default: false },
    skus: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
    'tick-ms': { type: 'string', default: '10' },
    ledger: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  schema: z.object({
    rate: z.coerce.number().positive(),
    duration: z.string().transform((d, ctx) => {
      try {
        return parseDuration(d);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
    stores: z.coerce.number().int().min(1).max(999),
    prefix: z.string().regex(/^[a-z][a-z0-9]{0,20}$/),
    'events-per-sale': z.coerce.number().min(2.2),
    prepare: z.boolean(),
    skus: z.coerce.number().int().min(1).max(99_999),
    seed: z.coerce.number().int(),
    'tick-ms': z.coerce.number().min(1),
    ledger: z.string().optional(),
    json: z.boolean(),
  }),
});
const config = loadConfigOrExit(
  z.object({
    PG_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//)
      .optional(),
  }),
);
const adminUrl = config.PG_URL ?? serviceEnv().PG_URL!;
const tty = process.stderr.isTTY && !opts.json;
const note = (line: string) => {
  if (!opts.json) process.stderr.write(`${line}\n`);
};

const storeIds = opts.prepare
  ? await prepareLoadStores(adminUrl, {
      stores: opts.stores,
      prefix: opts.prefix,
      skus: opts.skus,
      seed: opts.seed,
      onSeeded: (id) => note(`prepared ${id}`),
    })
  : generateStores(opts.stores, { prefix: opts.prefix, seed: opts.seed }).map((s) => s.store_id);

const driver = await LoadDriver.connect(storeIds, {
  adminUrl,
  eventsPerSale: opts['events-per-sale'],
  seed: opts.seed,
  tickMs: opts['tick-ms'],
});
const ledger = opts.ledger ? fs.createWriteStream(opts.ledger) : undefined;
const abort = new AbortController();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => abort.abort());

const sales = Math.max(1, Math.round((opts.rate * opts.duration) / 1000));
let written = 0;
let events = 0;
const started = Date.now();
const progress = tty
  ? setInterval(() => {
      const s = (Date.now() - started) / 1000;
      process.stderr.write(
        `\r${written}/${sales} sales, ${events} events, ${(written / Math.max(s, 0.001)).toFixed(0)} sales/s   `,
      );
    }, 500)
  : undefined;
try {
  const result = await driver.run({
    salesPerSecond: opts.rate,
    sales,
    signal: abort.signal,
    onAppend: (rec) => {
      written += rec.sales.length;
      events += rec.toSeq - rec.fromSeq + 1;
      ledger?.write(
        `${JSON.stringify({
          store_id: rec.storeId,
          from_seq: rec.fromSeq,
          to_seq: rec.toSeq,
          committed_at: rec.committedAt,
          sales: rec.sales.map((x) => ({
            transaction_id: x.transactionId,
            scheduled_at: x.scheduledAt,
          })),
        })}\n`,
      );
    },
  });
  if (progress) {
    clearInterval(progress);
    process.stderr.write('\n');
  }
  const lag = summarize(result.lagMs);
  const out = {
    stores: storeIds.length,
    offered_sales_per_s: opts.rate,
    achieved_sales_per_s: Math.round(result.achievedSalesPerSecond * 10) / 10,
    sales: result.sales,
    events: result.events,
    events_per_sale: Math.round((result.events / Math.max(1, result.sales)) * 100) / 100,
    appends: result.appends,
    elapsed_s: result.elapsedMs / 1000,
    lag_ms: lag,
  };
  if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  else
    process.stdout.write(
      `${out.sales} sales (${out.events} events, ${out.events_per_sale}/sale) into ${out.stores} outboxes in ${out.appends} appends: ` +
        `${out.achieved_sales_per_s} sales/s achieved of ${out.offered_sales_per_s} offered\n` +
        `commit lag behind schedule ${formatMs(lag)}\n`,
    );
} finally {
  await driver.close();
  await new Promise<void>((resolve) => (ledger ? ledger.end(resolve) : resolve()));
}
