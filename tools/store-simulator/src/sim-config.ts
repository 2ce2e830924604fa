import { parseArgs } from 'node:util';
import { baseServiceConfig, tokenHashList, ValidationError } from '@retail-stream/runtime';
import { z } from 'zod';
import { everyCaseScript } from './customer-plan.ts';
import { parseOfflineSchedule } from './offline-schedule.ts';
import type { SimOptions } from './simulator.ts';
import { parseStoreHours } from './store-hours.ts';

/** Environment of the simulator: where the host is and the per-run secrets the demo generated. */
export const simEnvConfig = baseServiceConfig.extend({
  /** The multi-store host's ops port (control API). */
  STORE_HOST_URL: z.url().default('http://127.0.0.1:18090'),
  TERMINAL_TOKEN_SECRET: z.string().min(32, 'at least 32 characters'),
  QR_CALLBACK_SECRET: z.string().min(16, 'at least 16 characters'),
  /** The bearer token of the host's control API (its STORE_HOST_CONTROL_TOKEN_SHA256), when it has one. */
  STORE_HOST_CONTROL_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,512}$/, '16-512 printable ASCII characters')
    .optional(),
  /**
   * sha256 hex of the bearer token(s) this simulator's /api/* requires (the control page takes the
   * token from its URL fragment, #token=…). Required when HTTP_HOST is not loopback.
   */
  SIM_CONTROL_TOKEN_SHA256: tokenHashList.optional(),
  /** Control page and API; OPS_PORT is the same thing under the runtime's name. */
  SIM_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('warn'),
});
export type SimEnvConfig = z.infer<typeof simEnvConfig>;

export const USAGE = `usage: simulate [options]
  --stores N            drive the first N stores of the host (default: all)
  --store-ids a,b       drive these stores instead
  --terminals N         tills per store (default 3; at most the host's TERMINALS_PER_STORE)
  --rate R              target sales per second over all tills (default 5)
  --duration S          seconds to run; 0 = until stopped (default 60)
  --seed N              seed of baskets, payments, voids and refunds (default 42)
  --offline SPEC        store@start+duration, e.g. s003@20s+20s (repeatable, or comma list)
  --hours H             store hours in store-local time: 24h (default) or 08:00-22:00
  --receipt-every S     goods receipt per store every S seconds (default 30; 0 = never)
  --count-every S       stock count per store every S seconds (default 45; 0 = never)
  --write-off-every S   pharmacy stores: a lot written off (EXPIRY/DESTRUCTION) every S seconds
                        (default 60; 0 = never)
  --pharmacies on|off   pharmacy stores (a store with a pharmacy code) sell medicines with lots,
                        prescriptions and write-offs (default on; off: they behave as other stores)
  --ledger FILE         ledger path (default .data/simulator/ledger-<time>.jsonl)
  --port P              control page/API port (default SIM_PORT or OPS_PORT, else a free port)
  --host-url URL        the store host's control URL (default STORE_HOST_URL)
  --paused              wait for "start" on the control page instead of starting at once
  --every-case          each store's first till first serves one of every case (declined card,
                        failed QR, abandoned basket, voided sale, part and whole refund)`;

const args = z.object({
  stores: z.coerce.number().int().min(1).max(1000).optional(),
  'store-ids': z.string().optional(),
  terminals: z.coerce.number().int().min(1).max(50).default(3),
  rate: z.coerce.number().positive().max(10_000).default(5),
  duration: z.coerce
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .default(60),
  seed: z.coerce.number().int().default(42),
  offline: z.array(z.string()).default([]),
  hours: z.string().default('24h'),
  'receipt-every': z.coerce.number().min(0).default(30),
  'count-every': z.coerce.number().min(0).default(45),
  'write-off-every': z.coerce.number().min(0).default(60),
  pharmacies: z.enum(['on', 'off']).default('on'),
  ledger: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65_535).optional(),
  'host-url': z.url().optional(),
  paused: z.boolean().default(false),
  'every-case': z.boolean().default(false),
  help: z.boolean().default(false),
});

export interface SimCli {
  options: SimOptions;
  ledger: string | undefined;
  port: number | undefined;
  hostUrl: string | undefined;
  paused: boolean;
  help: boolean;
}

/** argv (without node and script) → options; every problem is a ValidationError naming the flag. */
export function parseSimArgs(argv: string[]): SimCli {
  const { values } = parseArgs({
    args: argv,
    options: {
      stores: { type: 'string' },
      'store-ids': { type: 'string' },
      terminals: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      offline: { type: 'string', multiple: true },
      hours: { type: 'string' },
      'receipt-every': { type: 'string' },
      'count-every': { type: 'string' },
      'write-off-every': { type: 'string' },
      pharmacies: { type: 'string' },
      ledger: { type: 'string' },
      port: { type: 'string' },
      'host-url': { type: 'string' },
      paused: { type: 'boolean' },
      'every-case': { type: 'boolean' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const parsed = args.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError('INVALID_ARGUMENTS', problems);
  }
  const a = parsed.data;
  let offline;
  let hours;
  try {
    offline = parseOfflineSchedule(a.offline);
    hours = parseStoreHours(a.hours);
  } catch (err) {
    throw new ValidationError('INVALID_ARGUMENTS', (err as Error).message);
  }
  const storeIds = (a['store-ids'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    options: {
      storeIds,
      storeCount: a.stores ?? 1000,
      terminals: a.terminals,
      rate: a.rate,
      durationS: a.duration,
      seed: a.seed,
      offline,
      hours,
      receiptEveryS: a['receipt-every'],
      countEveryS: a['count-every'],
      writeOffEveryS: a['write-off-every'],
      pharmacies: a.pharmacies === 'on',
      script: a['every-case'] ? everyCaseScript() : undefined,
    },
    ledger: a.ledger,
    port: a.port,
    hostUrl: a['host-url'],
    paused: a.paused,
    help: a.help,
  };
}
